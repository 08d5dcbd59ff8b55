// The script a pool's child process runs. The build points its import straight at dist/core.js.
import { runProcessWorker } from './process-worker.ts';

await runProcessWorker();
