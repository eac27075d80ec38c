/**
 * CopyOut packs each socket read's CopyData payloads in place over the headers between them. What the
 * consumer gets must be exactly the payloads in order, in chunks of whole payloads (one per read, not
 * one per row), whatever mix of handed-over reads and reassembled messages arrives and whenever the
 * consumer reads.
 */
import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/connection/api.ts';
import { CopyOut } from '../../src/copy/copy-out.ts';

/** A small seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Sent {
  payloads: Uint8Array[];
  /** Chunks given to `data` as handed-over reads. */
  reads: number;
}

async function run(seed: number): Promise<{ sent: Sent; got: Uint8Array[] }> {
  const next = random(seed);
  let settle: (result: QueryResult) => void = () => {};
  const out = new CopyOut(new Promise<QueryResult>((resolve) => (settle = resolve)));
  out.attach({ pause() {}, resume() {}, abandon() {} });
  const got: Uint8Array[] = [];
  const reader = (async () => {
    for await (const chunk of out) {
      // A copy: the test checks the bytes as they were handed out, not as later packing left them.
      got.push(chunk.slice());
      if (next() < 0.3) await tick();
    }
  })();
  const sent: Sent = { payloads: [], reads: 0 };
  let value = 0;
  for (let read = 0; read < 40; read++) {
    const rows = 1 + Math.floor(next() * 30);
    const sizes = Array.from({ length: rows }, () => Math.floor(next() * 90));
    // The read as it came off the socket: a header, the payload, the next header, ...
    const bytes = new Uint8Array(sizes.reduce((sum, size) => sum + 5 + size, 0)).fill(0xee);
    let at = 0;
    sent.reads++;
    for (const size of sizes) {
      const start = at + 5;
      for (let i = 0; i < size; i++) bytes[start + i] = value++ & 0xff;
      sent.payloads.push(bytes.slice(start, start + size));
      if (next() < 0.1) {
        // A message the framer reassembled: its buffer is reused after the call.
        const partial = bytes.slice(start, start + size);
        out.data(partial, 0, size, false);
        partial.fill(0xdd);
      } else {
        out.data(bytes, start, start + size, true);
      }
      at = start + size;
    }
    if (next() < 0.5) await tick();
  }
  out.done();
  settle({ rows: [], fields: [], command: 'COPY', rowCount: sent.payloads.length });
  await reader;
  return { sent, got };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

describe('CopyOut packing', () => {
  it('hands out exactly the payloads, in order, in chunks of whole payloads', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { sent, got } = await run(seed);
      expect(concat(got), `seed ${seed}`).toEqual(concat(sent.payloads));
      // Each chunk ends on a payload boundary (rows are never split between chunks).
      const ends = new Set<number>();
      let at = 0;
      for (const payload of sent.payloads) {
        at += payload.length;
        ends.add(at);
      }
      at = 0;
      for (const chunk of got) {
        at += chunk.length;
        expect(ends.has(at), `seed ${seed}`).toBe(true);
      }
    }
  });

  it('makes chunks per read, not per row', async () => {
    const { sent, got } = await run(7);
    expect(sent.payloads.length).toBeGreaterThan(4 * sent.reads);
    // A run is cut by a reassembled message (its own chunk) or by the consumer taking what is there.
    expect(got.length).toBeLessThan(sent.payloads.length / 2);
  });
});
