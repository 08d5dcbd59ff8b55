import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ProcessPoolExecutor } from '../packages/concur/src/index.ts';
import { inheritedExecArgv } from '../packages/concur/src/runtime/exec-argv.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('process', (options) => new ProcessPoolExecutor({ maxWorkers: 2, ...options }), {
  capacity: 2,
  runtime: 'pool',
});

describe('a pool started from `node -e` / `node --input-type=module -e`', () => {
  it('gives its children the parent flags without those of the parent entry', () => {
    assert.deepEqual(
      inheritedExecArgv(['--import', 'tsx', '--input-type=module', '-e', 'code', '--no-warnings']),
      ['--import', 'tsx', '--no-warnings'],
    );
    assert.deepEqual(inheritedExecArgv(['--input-type', 'module', '--print', 'x', '--eval=y']), []);
  });

  for (const [inputType, Executor] of [
    [[], 'ProcessPoolExecutor'],
    [['--input-type=module'], 'ProcessPoolExecutor'],
    [['--input-type=module'], 'ThreadPoolExecutor'],
  ] as const) {
    it(`${Executor} runs its tasks (${inputType.length === 0 ? 'CommonJS' : 'module'} eval)`, () => {
      const src = new URL('../packages/concur/src/index.ts', import.meta.url).href;
      const tasks = new URL('./fixtures/suite-tasks.ts', import.meta.url).href;
      const code =
        inputType.length === 0
          ? `Promise.all([import(${JSON.stringify(src)}), import(${JSON.stringify(tasks)})]).then(async ([c, t]) => { const ex = new c.${Executor}({ maxWorkers: 1 }); console.log(await ex.submit(t.add, 2, 3)); await ex.shutdown(); });`
          : `import { ${Executor} } from ${JSON.stringify(src)}; import { add } from ${JSON.stringify(tasks)}; const ex = new ${Executor}({ maxWorkers: 1 }); console.log(await ex.submit(add, 2, 3)); await ex.shutdown();`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', ...inputType, '-e', code], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), '5');
    });
  }
});
