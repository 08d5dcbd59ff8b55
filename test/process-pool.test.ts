import { ProcessPoolExecutor } from '../packages/concur/src/index.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('process', (options) => new ProcessPoolExecutor({ maxWorkers: 2, ...options }), {
  capacity: 2,
  runtime: 'pool',
});
