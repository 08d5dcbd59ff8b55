import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

/** A redis-server this process started: on loopback, without persistence. */
export interface LocalRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Stops the server (its data is lost: it never saves). */
  stop(): Promise<void>;
  /** Stops it and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
}

export interface LocalRedisOptions {
  /** @default a free port */
  port?: number;
  /** @default 'redis-server' on PATH */
  command?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

async function launch(command: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    command,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `${command} was not found; install it (Debian: apt-get install -y redis-server)`,
            )
          : error,
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`${command} exited with code ${code}: ${stderr.trim()}`)),
    );
  });
  failed.catch(() => {});
  for (let i = 0; i < 200; i++) {
    const up = await Promise.race([canConnect(port), failed]);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`${command} did not accept connections on port ${port}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts redis-server on 127.0.0.1 with `--save '' --appendonly no` (for tests and the lab). */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const command = options.command ?? 'redis-server';
  const port = options.port ?? (await freePort());
  let child = await launch(command, port);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.removeListener('exit', onExit);
      await kill(child);
    },
    async restart() {
      await kill(child);
      child = await launch(command, port);
    },
  };
}
