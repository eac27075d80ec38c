/**
 * Wall-clock timing of one benchmark run.
 */

import { performance } from 'node:perf_hooks';

/** Runs `work` and returns its elapsed time in milliseconds (monotonic clock). */
export async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
