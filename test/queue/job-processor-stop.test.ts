import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobProcessor } from '../../packages/queue/src/job-processor.ts';

// BullMQ's blocking fetch may return a job after the worker's close() began (its loop
// does not look at `closing` again before taking it): such a job must go back to the
// queue unstarted, or a job submitted after "stopping" runs on a worker that is leaving.
describe('JobProcessor once its worker is stopping', () => {
  it('hands a job it is given back to the queue, unstarted, and tells BullMQ so', async () => {
    const unused = new Proxy(
      {},
      {
        get() {
          throw new Error('a stopping processor must not check, look up, ask or run anything');
        },
      },
    );
    const processor = new JobProcessor(
      unused as never,
      unused as never,
      'q',
      unused as never,
      unused as never,
      1,
    );
    processor.stop();
    const moved: (string | undefined)[] = [];
    const job = {
      id: '7',
      data: { anything: true },
      moveToWait: async (token: string | undefined) => {
        moved.push(token);
        return 0;
      },
    };
    await assert.rejects(processor.process(job as never, 'token-1', undefined), {
      name: 'WaitingError',
    });
    assert.deepEqual(moved, ['token-1']);
    assert.deepEqual(processor.counts, { completed: 0, failed: 0, running: 0, waiting: 0 });
    assert.equal(processor.active.size, 0);
    await processor.idle();
  });
});
