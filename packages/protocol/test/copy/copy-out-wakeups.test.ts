/**
 * COPY TO's reader is woken once per socket read, not once per row: the server sends a CopyData per
 * row and a socket read carries hundreds of them, so waking per row made resolving promises a third
 * of the decode profile. Clock-free: the test counts promise resolutions while N and 4N rows arrive in
 * the same number of reads, and wake-ups must follow the reads.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueryResult } from '../../src/connection/api.ts';
import { CopyOut } from '../../src/copy/copy-out.ts';

const READS = 20;
/** Captured before the stub: the test's own waiting is not counted. */
const NativePromise = Promise;

/** A Promise whose resolve calls are counted: what the reader's wake-ups cost, however coded. */
let resolutions = 0;
class CountingPromise<T> extends Promise<T> {
  constructor(
    executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void,
  ) {
    super((resolve, reject) =>
      executor((value) => {
        resolutions++;
        resolve(value);
      }, reject),
    );
  }
}

/** A macrotask: the socket's next read comes after the reader has run (as with a real socket). */
function nextRead(): Promise<void> {
  return new NativePromise((resolve) => setImmediate(resolve));
}

/** Streams `rows` CopyData payloads in READS reads to a reader that is always waiting; counts wake-ups. */
async function wakeupsFor(rows: number): Promise<{ wakeups: number; bytes: number }> {
  let settle: (result: QueryResult) => void = () => {};
  const result = new Promise<QueryResult>((resolve) => (settle = resolve));
  const out = new CopyOut(result);
  out.attach({ pause() {}, resume() {}, abandon() {} });
  let bytes = 0;
  const reader = (async () => {
    for await (const chunk of out) bytes += chunk.length;
  })();
  const perRead = rows / READS;
  vi.stubGlobal('Promise', CountingPromise);
  resolutions = 0;
  try {
    for (let read = 0; read < READS; read++) {
      await nextRead();
      // A read as the socket hands it over: CopyData messages, a 5-byte header before each 40-byte row.
      const read = new Uint8Array(perRead * 45).fill(7);
      for (let i = 0; i < perRead; i++) out.data(read, i * 45 + 5, i * 45 + 45, true);
    }
    await nextRead();
    out.done();
    await nextRead();
  } finally {
    vi.unstubAllGlobals();
  }
  const wakeups = resolutions;
  settle({ rows: [], fields: [], command: 'COPY', rowCount: rows });
  await reader;
  return { wakeups, bytes };
}

describe('CopyOut wake-ups', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('grow with socket reads, not with rows', async () => {
    const small = await wakeupsFor(2_000);
    const large = await wakeupsFor(8_000);
    expect(small.bytes).toBe(2_000 * 40);
    expect(large.bytes).toBe(8_000 * 40);
    // 4× the rows in the same reads: the same wake-ups, give or take the first run's warm-up.
    expect(large.wakeups).toBeLessThanOrEqual(small.wakeups + 2);
    // One wake per read, plus the end (awaiting a non-native promise resolves a second, derived one).
    expect(small.wakeups).toBeGreaterThanOrEqual(READS);
    expect(small.wakeups).toBeLessThanOrEqual(2 * (READS + 1));
  });
});
