import { noteInWorkerCall } from './program-rerun.ts';

/**
 * True inside a concur worker thread or process. A module that both defines tasks
 * and runs a program can guard its top-level code with it, the way Python programs
 * guard theirs with `if __name__ == '__main__'`: a worker imports the module to find
 * its tasks, and must not run the program again. (A program file imported by a worker
 * that never calls it gets a CONCUR_WARN_PROGRAM_RERUN warning in the parent.)
 */
export function inWorker(): boolean {
  noteInWorkerCall();
  return (globalThis as { __concurWorker?: string }).__concurWorker !== undefined;
}
