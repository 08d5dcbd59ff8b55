// The script a pool's thread runs. The build points its import straight at dist/core.js.
import { runThreadWorker } from './thread-worker.ts';

await runThreadWorker();
