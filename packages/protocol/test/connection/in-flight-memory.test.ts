/**
 * What one pipelined query keeps alive while it is in flight, counted in heap bytes at N and 4N (after
 * a full GC), never timed. At 20k queries issued at once (B1, issue 13) every in-flight query's
 * objects outlive two scavenges and are promoted, then freed by a mark-compact: GC was a third of the
 * client's CPU. The bytes per query must stay flat in N and within the budget; a new object per query
 * (a closure, a one-element list, a field) shows up here first.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../src/adapters/node.ts';

const N = 5000;
/**
 * Heap bytes per in-flight `select $1::int` (Node 20, V8 11.3, no pointer compression): 580-595 (before
 * issue 13's session F: 620-660; with two `[]` per statement again: 656). The statement record (~240), its Sync segment and the segment's
 * list (~150), the promise with its two resolving functions and their context (~210). One more object
 * or closure per query is ≥ 40 bytes.
 */
const BUDGET = 620;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const [target] = databaseTargets();
const url = target!.url;

describe('heap kept per in-flight query (counted)', () => {
  it('is flat from N to 4N and within the budget', async () => {
    const db = await connect({ url, sslmode: 'disable' });
    try {
      await db.query('select $1::int as n', [0]); // the statement is cached: every query is a Bind/Execute
      const perQuery: number[] = [];
      // The first round grows the queues' arrays once; the measured ones reuse them.
      for (const count of [N, N, 4 * N]) {
        const params = Array.from({ length: count }, (_, i) => [i]);
        const pending = new Array<Promise<unknown>>(count);
        gc();
        const before = getHeapStatistics().used_heap_size;
        // Encoded at once (nothing is answered before the next tick): every query is in flight here.
        for (let i = 0; i < count; i++) pending[i] = db.query('select $1::int as n', params[i]);
        gc();
        perQuery.push((getHeapStatistics().used_heap_size - before) / count);
        await Promise.all(pending);
      }
      const [, small, large] = perQuery as [number, number, number];
      // Per query at 4N no more than at N (where fixed costs weigh more): nothing grows with the queue.
      expect(large).toBeLessThan(small * 1.1);
      expect(large).toBeLessThan(BUDGET);
    } finally {
      await db.close();
    }
  });
});
