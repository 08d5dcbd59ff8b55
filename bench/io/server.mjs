// The slow download server of scenario f, run in its own process so that its timers
// and sockets do not share the client's event loop. Loopback only.
import { createServer } from 'node:http';

const latencyMs = Number(process.argv[2] ?? 100);
const body = Buffer.alloc(1024, 'x');
const server = createServer((_request, response) => {
  setTimeout(() => {
    response.writeHead(200, { 'content-length': body.length });
    response.end(body);
  }, latencyMs);
});
server.keepAliveTimeout = 120_000;
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.send({ port: server.address().port });
});
process.on('disconnect', () => process.exit(0));
