import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

/** A redis-server this process started: on loopback, without persistence. */
export interface LocalRedis {
  /** The loopback port it listens on. */
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Stops the server (its data is lost: it never saves). */
  stop(): Promise<void>;
  /** Stops it and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
}

/** Options of `startLocalRedis()`. */
export interface LocalRedisOptions {
  /** @default a free port */
  port?: number;
  /** @default 'redis-server' on PATH */
  command?: string;
  /**
   * More server arguments, after concur's own (`--port`, `--bind 127.0.0.1`, no
   * persistence), so they may override them: `['--requirepass', 'pw']`, or for TLS
   * only `['--port', '0', '--tls-port', String(port), '--tls-cert-file', ...]`.
   */
  args?: readonly string[];
  /**
   * A config file, given before every argument (redis-server reads it only there). A
   * sentinel needs one it can write: `{ config: file, args: ['--sentinel'] }`.
   */
  config?: string;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
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

/** True if something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
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

/**
 * Runs the server under a small sh guard whose stdin is a pipe from us. When we die, even
 * by SIGKILL, the pipe closes and the guard stops the server: no redis-server outlives the
 * test or lab run that started it. SIGTERM to the guard stops the server the same way.
 * Exit code 127: the command is not on PATH.
 */
const GUARD = `command -v "$0" >/dev/null 2>&1 || exit 127
exec 3<&0
"$0" "$@" &
server=$!
(read -r _ <&3; kill "$server" 2>/dev/null) &
watch=$!
trap 'kill "$server" 2>/dev/null' TERM INT
wait "$server"; code=$?
while kill -0 "$server" 2>/dev/null; do wait "$server"; code=$?; done
kill "$watch" 2>/dev/null
exit "$code"`;

const NOT_FOUND = 127;

async function launch(
  command: string,
  port: number,
  args: readonly string[],
  config: string | undefined,
): Promise<ChildProcess> {
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      GUARD,
      command,
      ...(config === undefined ? [] : [config]),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...args,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(
        new Error(
          code === NOT_FOUND
            ? `${command} was not found; install it (Debian: apt-get install -y redis-server)`
            : `${command} exited with code ${code}: ${stderr.trim()}`,
        ),
      ),
    );
  });
  failed.catch(() => {});
  for (let i = 0; i < 200; i++) {
    const up = await Promise.race([canConnect(port), failed]);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  await kill(child);
  throw new Error(`${command} did not accept connections on port ${port}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // Closing the guard's stdin stops the server even if the guard itself must be killed.
  const timer = setTimeout(() => {
    child.stdin?.destroy();
    child.kill('SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
  child.stdin?.destroy();
}

/** Starts redis-server on 127.0.0.1 with `--save '' --appendonly no` (for tests and the lab). */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const command = options.command ?? 'redis-server';
  const port = options.port ?? (await freePort());
  const args = options.args ?? [];
  let child = await launch(command, port, args, options.config);
  // On exit the guard's stdin closes with us, and the guard stops the server.
  const onExit = () => child.kill('SIGTERM');
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
      child = await launch(command, port, args, options.config);
    },
  };
}
