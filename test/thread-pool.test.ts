import { ThreadPoolExecutor } from '../packages/concur/src/index.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('thread', (options) => new ThreadPoolExecutor({ maxWorkers: 2, ...options }), {
  capacity: 2,
  runtime: 'pool',
});
