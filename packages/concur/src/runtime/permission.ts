import { WorkerCrashedError } from '../errors/errors.ts';
import { trimPeriod } from '../options/validate.ts';
import type { RuntimeName } from './wire.ts';

/**
 * What Node's permission model (`--permission`), which children inherit, must allow for a
 * pool's workers and does not: a thread needs --allow-worker; a process worker needs
 * --allow-child-process, --allow-worker for its watchdog thread, and from Node 25
 * --allow-net (before 25, has('net') is false but nothing is refused).
 */
function missing(runtime: RuntimeName): string[] {
  const permission = process.permission;
  if (permission === undefined) return [];
  const needs: string[] = [];
  if (runtime === 'process' && !permission.has('child')) needs.push('--allow-child-process');
  if (!permission.has('worker')) {
    needs.push(
      runtime === 'process'
        ? '--allow-worker (its watchdog thread ends it if this process dies)'
        : '--allow-worker',
    );
  }
  if (
    runtime === 'process' &&
    Number.parseInt(process.versions.node, 10) >= 25 &&
    !permission.has('net')
  ) {
    needs.push('--allow-net (its pipes to this process are sockets)');
  }
  return needs;
}

/** A sentence to append to a start failure: the flags missing, or '' when none are. */
export function permissionAdvice(runtime: RuntimeName): string {
  const needs = missing(runtime);
  if (needs.length === 0) return '';
  return `. Under Node's permission model a ${runtime} worker needs ${needs.join(', ')}`;
}

/** Node refused to start a worker (ERR_ACCESS_DENIED): say every flag it needs, not only the first. */
export function spawnRefused(runtime: RuntimeName, error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_ACCESS_DENIED') return error;
  return new WorkerCrashedError(
    `A ${runtime} worker could not be started: ${trimPeriod((error as Error).message)}${permissionAdvice(runtime)}`,
    { runtime, workerId: -1, exitCode: null, signal: null },
    { cause: error },
  );
}
