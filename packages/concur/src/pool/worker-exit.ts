import { decodeError, type EncodedError, isEncodedError } from '../errors/error-codec.ts';
import { type WorkerCrashDetails, WorkerCrashedError } from '../errors/errors.ts';
import { ChunkFailure, type Job, JobState } from '../job/job.ts';
import type { EncodedChunkFailure } from '../runtime/entry/worker-loop.ts';
import { permissionAdvice } from '../runtime/permission.ts';
import type { RuntimeName } from '../runtime/wire.ts';
import type { WorkerSlot } from './worker-slot.ts';

export type WorkerExit = WorkerCrashDetails;

function exitText({ exitCode, signal }: WorkerExit): string {
  return `exit code ${exitCode}${signal ? `, signal ${signal}` : ''}`;
}

/**
 * Splits a dead worker's unanswered jobs, in the order they were sent. Those it had
 * started (per its progress counter, which survives the death) fail with
 * WorkerCrashedError; the rest never began and go back to the front of the queue, except
 * those that moved buffers to a thread (transfer()), which fail too: the buffers died with it.
 */
export function sortOutUnanswered(
  slot: WorkerSlot,
  jobs: Job[],
  exit: WorkerExit,
): { crashed: [Job, WorkerCrashedError][]; requeue: Job[] } {
  const started = slot.handle.startedCount();
  const crashed: [Job, WorkerCrashedError][] = [];
  const requeue: Job[] = [];
  const cause = slot.lastError;
  for (const job of jobs) {
    if (job.state === JobState.Done) continue;
    const neverStarted = slot.sendIndex(job) >= started;
    // What a job moved to a thread went down with it: sending the job again would send detached buffers.
    if (neverStarted && (job.transfer === undefined || exit.runtime !== 'thread')) {
      requeue.push(job);
      continue;
    }
    const how = slot.killReason
      ? `was stopped because another task on it was ${slot.killReason.name === 'TimeoutError' ? 'timed out' : 'aborted'}`
      : `exited (${exitText(exit)})`;
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    const message = neverStarted
      ? `The ${exit.runtime} worker ${exit.workerId} holding task \`${job.task.taskName}\` ${how} before starting it${why}. ` +
        'The buffers transfer() moved to it were lost with it, so the task cannot be sent again: submit it again with new buffers'
      : `The ${exit.runtime} worker ${exit.workerId} running task \`${job.task.taskName}\` ${how}${why}`;
    crashed.push([
      job,
      new WorkerCrashedError(message, exit, cause === undefined ? undefined : { cause }),
    ]);
  }
  return { crashed, requeue };
}

/** A worker died before it was ready. */
export function startupCrash(exit: WorkerExit, cause: unknown): WorkerCrashedError {
  return new WorkerCrashedError(
    `A ${exit.runtime} worker exited while starting (${exitText(exit)}); check execArgv, resourceLimits and the initializer${permissionAdvice(exit.runtime as RuntimeName)}`,
    exit,
    cause === undefined ? undefined : { cause },
  );
}

/** The pool's initializer threw in a new worker. */
export function initializerCrash(exit: WorkerExit, cause: unknown): WorkerCrashedError {
  return new WorkerCrashedError(
    `A ${exit.runtime} worker could not start: its initializer threw: ${(cause as Error)?.message ?? cause}`,
    exit,
    { cause },
  );
}

/** Turns a job's error as it came back from the worker into what its caller sees. */
export function decodeFailure(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'chunkFailure' in value) {
    const { index, values, error } = (value as EncodedChunkFailure).chunkFailure;
    return new ChunkFailure(index, values, decodeError(error as EncodedError));
  }
  return isEncodedError(value) ? decodeError(value) : value;
}
