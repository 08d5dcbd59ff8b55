import { SequentialExecutor } from '../packages/concur/src/index.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('sequential', (options) => new SequentialExecutor(options), {
  capacity: 1,
  runtime: 'in-process',
});
