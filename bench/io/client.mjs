import { Agent, get } from 'node:http';

// Keep-alive with no socket cap: every contender reuses the same warm connections,
// so the comparison measures scheduling, not TCP handshakes.
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

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
