// The script a pool's thread runs. The build points its import straight at dist/core.js.
import { enableWorkerCompileCache } from './compile-cache.ts';

// Before concur's bundle and the task modules are compiled (hence the dynamic import).
enableWorkerCompileCache();
const { runThreadWorker } = await import('./thread-worker.ts');
await runThreadWorker();
