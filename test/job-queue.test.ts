import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { task } from '../packages/concur/src/index.ts';
import { Job, JobMode, JobState } from '../packages/concur/src/job/job.ts';
import { JobQueue } from '../packages/concur/src/job/job-queue.ts';

const noopTask = task(import.meta.url, function noopTask() {});
const sink = { started() {}, fulfilled() {}, rejected() {} };
const job = () => new Job(noopTask, JobMode.Call, [], sink);

describe('JobQueue', () => {
  it('matches a reference model under push, unshift, shift and removal', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constant('push'), fc.constant('unshift'), fc.constant('shift'), fc.nat(50)),
          {
            maxLength: 300,
          },
        ),
        (ops) => {
          const queue = new JobQueue();
          let model: Job[] = [];
          for (const op of ops) {
            if (op === 'push') {
              const j = job();
              queue.push(j);
              model.push(j);
            } else if (op === 'unshift') {
              const j = job();
              queue.unshift(j);
              model.unshift(j);
            } else if (op === 'shift') {
              assert.equal(queue.shift(), model.shift());
            } else if (model.length > 0) {
              const victim = model[op % model.length]!;
              victim.state = JobState.Done;
              queue.forget();
              model = model.filter((j) => j !== victim);
            }
            assert.equal(queue.size, model.length);
          }
          assert.deepEqual(queue.drain(), model);
        },
      ),
    );
  });
});
