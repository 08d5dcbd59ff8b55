// The transfer scenario's task, for concur: take a byte array, change one byte so the
// work is visible, and hand the array back. `moveBack` returns it with transfer(),
// `copyBack` returns it as it is (so it is copied).
import { task, transfer } from '../../packages/concur/dist/index.js';

export const moveBack = task(import.meta.url, function moveBack(bytes) {
  bytes[0] = (bytes[0] + 1) & 0xff;
  return transfer(bytes);
});

export const copyBack = task(import.meta.url, function copyBack(bytes) {
  bytes[0] = (bytes[0] + 1) & 0xff;
  return bytes;
});
