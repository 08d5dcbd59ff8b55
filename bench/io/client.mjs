import { Agent, get } from 'node:http';

// Keep-alive with no socket cap: every contender reuses the same warm connections,
// so the comparison measures scheduling, not TCP handshakes. maxFreeSockets too: its
// default (256) closed 744 of the 1,000 sockets after every round, and the next
// contender paid for opening them again (--cpu-prof: most of the client's CPU in connect).
const agent = new Agent({
  keepAlive: true,
  maxSockets: Number.POSITIVE_INFINITY,
  maxFreeSockets: Number.POSITIVE_INFINITY,
});

/** Downloads `url` and resolves with the number of bytes received. */
export function download(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => {
        bytes += chunk.length;
      });
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    }).on('error', reject);
  });
}

export function closeClient() {
  agent.destroy();
}
