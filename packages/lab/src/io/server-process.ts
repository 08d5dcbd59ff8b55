import { forkLab, labModule } from '../support/child-node.ts';

export interface DownloadServer {
  /** URL of the payload. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the local download server in a child process on 127.0.0.1. */
export function startDownloadServer(latencyMs: number, bytes: number): Promise<DownloadServer> {
  const child = forkLab(labModule(import.meta.url, './server-main.ts'), [
    String(latencyMs),
    String(bytes),
  ]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the download server exited with code ${code}`)));
    child.once('message', (message) => {
      const { port } = message as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/payload`,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.disconnect();
            await exited;
          }
        },
      });
    });
  });
}
