/**
 * Pipelining mechanics against a real server: one write per tick, the in-flight caps, and large traffic
 * both ways at once without a deadlock.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { nodeSocket } from '../src/adapters/node.ts';
import { type ConnectOptions, connectWith } from '../src/connection/connect.ts';
import type { SocketFactory } from '../src/socket.ts';
import { observingSocket } from './support/observing-socket.ts';

/** Wraps the Node adapter to count the writes the driver makes and the Syncs in flight at once. */
function counting(): { factory: SocketFactory; writes: number[]; maxUnanswered: () => number } {
  const writes: number[] = [];
  let syncsOut = 0;
  let readyIn = 0;
  let maxUnanswered = 0;
  const factory = observingSocket({
    read: (chunk) => {
      readyIn += countMessages(chunk, 0x5a);
    },
    written: (chunk) => {
      writes.push(chunk.length);
      syncsOut += countSyncs(chunk);
      maxUnanswered = Math.max(maxUnanswered, syncsOut - readyIn);
    },
  });
  return { factory, writes, maxUnanswered: () => maxUnanswered };
}

// Rough counters good enough for tests: an 'S' or 'Z' type byte followed by the fixed length 4 / 5.
function countSyncs(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 4 < chunk.length; i++) {
    if (
      chunk[i] === 0x53 &&
      chunk[i + 1] === 0 &&
      chunk[i + 2] === 0 &&
      chunk[i + 3] === 0 &&
      chunk[i + 4] === 4
    )
      n++;
  }
  return n;
}
function countMessages(chunk: Uint8Array, type: number): number {
  let n = 0;
  for (let i = 0; i + 5 < chunk.length; i++) {
    if (
      chunk[i] === type &&
      chunk[i + 1] === 0 &&
      chunk[i + 2] === 0 &&
      chunk[i + 3] === 0 &&
      chunk[i + 4] === 5
    )
      n++;
  }
  return n;
}

describe.each(databaseTargets())('pipelining on $name', ({ url }) => {
  const open = (factory: SocketFactory, extra: Partial<ConnectOptions> = {}) =>
    connectWith(factory, { url, ...extra });

  it('queries issued in one tick go out in one write', async () => {
    const probe = counting();
    const db = await open(probe.factory);
    const before = probe.writes.length;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => db.query('select $1::int as n', [i])),
    );
    expect(results.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(probe.writes.length - before).toBe(1);
    await db.close();
  });

  it('respects the cap on statements in flight', async () => {
    const probe = counting();
    const db = await open(probe.factory, { maxInFlightStatements: 16 });
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => db.query('select $1::int as n', [i])),
    );
    expect(results.every((r, i) => r.rows[0]!.n === i)).toBe(true);
    expect(probe.maxUnanswered()).toBeLessThanOrEqual(16);
    expect(probe.maxUnanswered()).toBeGreaterThan(1);
    await db.close();
  });

  it('respects the cap on bytes in flight', async () => {
    const probe = counting();
    const db = await open(probe.factory, { maxInFlightBytes: 64 * 1024 });
    const big = 'x'.repeat(16 * 1024);
    const results = await Promise.all(
      Array.from({ length: 64 }, () => db.query('select length($1::text) as n', [big])),
    );
    expect(results.every((r) => r.rows[0]!.n === big.length)).toBe(true);
    // 16 KiB per statement, 64 KiB allowed: never more than five (the one that crossed the line) out.
    expect(probe.maxUnanswered()).toBeLessThanOrEqual(5);
    await db.close();
  });

  it('large traffic in both directions at once does not deadlock', async () => {
    const db = await open(nodeSocket);
    const payload = 'y'.repeat(256 * 1024);
    // ~128 MiB each way, written and read concurrently: the driver must keep reading while it writes.
    const results = await Promise.all(
      Array.from({ length: 512 }, () => db.query('select $1::text as t', [payload])),
    );
    expect(results.every((r) => (r.rows[0]!.t as string).length === payload.length)).toBe(true);
    await db.close();
  }, 120_000);
});
