// The download server of `concur io`, in its own process so that it never competes
// with the client under test for an event loop. Every request waits `latency` ms,
// then answers `bytes` bytes.
import { createServer } from 'node:http';

const latencyMs = Number(process.argv[2] ?? 0);
const bytes = Number(process.argv[3] ?? 0);
const payload = Buffer.alloc(bytes, 'x');

const server = createServer((request, response) => {
  request.resume();
  setTimeout(() => {
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(payload.length),
    });
    response.end(payload);
  }, latencyMs);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.send?.({ port: address.port });
});
// The parent going away (even by SIGKILL) closes the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
