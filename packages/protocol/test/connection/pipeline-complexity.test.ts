/**
 * The pipeline's queues cost O(1) per statement, counted, never timed: the slots every queue visits
 * (fifoWork, src/connection/fifo.ts) for N and 4N queued statements must grow about 4×, not 16×.
 * Guards the B1 regression (issue 13): enqueue scanned the whole backlog for a COPY, and a caller
 * giving up on a queued unit was found with indexOf and removed with splice.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../src/adapters/node.ts';
import { fifoWork } from '../../src/connection/fifo.ts';

const N = 500;
/** Linear growth is 4× (plus a constant); quadratic would be 16×. */
const MAX_GROWTH = 5;

const [target] = databaseTargets();
const url = target!.url;

/** Slots visited while `work` runs. */
async function visitsOf(work: () => Promise<unknown>): Promise<number> {
  const before = fifoWork.visits;
  await work();
  return fifoWork.visits - before;
}

/** Work at 4N is more than 3× and less than MAX_GROWTH× the work at N. */
async function expectLinearGrowth(run: (count: number) => Promise<number>): Promise<void> {
  const small = await run(N);
  const large = await run(4 * N);
  expect(large).toBeGreaterThan(3 * small);
  expect(large).toBeLessThan(MAX_GROWTH * small);
}

describe('pipeline queue work (counted)', () => {
  it('queueing and answering N statements visits O(N) queue slots', async () => {
    // A small in-flight cap keeps almost every statement in the backlog while the rest are queued.
    const db = await connect({ url, maxInFlightStatements: 8 });
    try {
      await db.query('select 1');
      const run = (count: number) =>
        visitsOf(async () => {
          const pending: Promise<unknown>[] = [];
          for (let i = 0; i < count; i++) pending.push(db.query('select $1::int as n', [i]));
          await Promise.all(pending);
        });
      await expectLinearGrowth(run);
    } finally {
      await db.close();
    }
  });

  it('statements queued behind a COPY, half of them aborted, visit O(N) queue slots', async () => {
    const db = await connect({ url });
    try {
      await db.exec('create temp table pipeline_complexity (n int)');
      const run = (count: number) =>
        visitsOf(async () => {
          let release!: () => void;
          const released = new Promise<void>((resolve) => {
            release = resolve;
          });
          const source = (async function* () {
            yield new TextEncoder().encode('1\n');
            await released;
          })();
          // The COPY holds the connection: everything after it waits in the backlog with a busy timer.
          const copy = db.copyIn('copy pipeline_complexity from stdin', source);
          const queued: Promise<unknown>[] = [];
          for (let i = 0; i < count; i++) {
            const controller = new AbortController();
            queued.push(db.query('select $1::int as n', [i], { signal: controller.signal }).catch(() => {}));
            if (i % 2 === 0) controller.abort();
          }
          release();
          await copy;
          await Promise.all(queued);
        });
      await expectLinearGrowth(run);
    } finally {
      await db.close();
    }
  });
});
