// The script a pool's thread runs. The build points its import straight at dist/core.js.
import module from 'node:module';

// Node's on-disk compile cache (22.1+; absent in 20), on before concur's bundle and the
// task modules are compiled: see process-entry.ts.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runThreadWorker } = await import('./thread-worker.ts');
await runThreadWorker();
