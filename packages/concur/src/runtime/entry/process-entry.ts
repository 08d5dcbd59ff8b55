// The script a pool's child process runs. The build points its import straight at dist/core.js.
import module from 'node:module';

// Node's on-disk compile cache (22.1+; absent in 20) is turned on before this worker loads
// concur's bundle and the task modules: it then reads V8's compiled code instead of
// compiling ~200 KB of JavaScript again, ~3 of the ~10 ms a new worker spent loading
// concur (Node 24, AMD EPYC). The cache is Node's own: NODE_COMPILE_CACHE if set, else
// os.tmpdir()/node-compile-cache, checked against each file's content, off when
// NODE_DISABLE_COMPILE_CACHE=1. It never throws; the import below is dynamic so that it
// runs after the call. thread-entry.ts does the same.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runProcessWorker } = await import('./process-worker.ts');
await runProcessWorker();
