import { AsyncExecutor } from '../packages/concur/src/index.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('async', (options) => new AsyncExecutor({ concurrency: 2, ...options }), {
  capacity: 2,
  runtime: 'in-process',
});
