// The transfer scenario's task, for piscina: the same body, moved back with Piscina.move.
import { move } from 'piscina';

export default function moveBack(bytes) {
  bytes[0] = (bytes[0] + 1) & 0xff;
  return move(bytes);
}
