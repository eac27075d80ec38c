/**
 * Throughput of the converters on typical CSV fields (a print, not an assertion):
 *   pnpm exec tsx packages/protocol/test/types/input/converters.bench.ts
 * Fields sit in one buffer as a CSV chunk would hold them; the writer is reset per batch as the
 * chunk encoder resets its own.
 */
import { Writer } from '@haul/protocol';
import type { FromText as FieldConverter } from '../../../src/types/from-text.ts';
import { converterFor } from './support/convert.ts';

const FIELDS = 200_000;
const ROUNDS = 15;

function buffer(texts: string[]): { bytes: Uint8Array; starts: Int32Array; ends: Int32Array } {
  const encoded = texts.map((text) => new TextEncoder().encode(text));
  const bytes = new Uint8Array(encoded.reduce((sum, field) => sum + field.length + 1, 0));
  const starts = new Int32Array(texts.length);
  const ends = new Int32Array(texts.length);
  let at = 0;
  encoded.forEach((field, index) => {
    starts[index] = at;
    bytes.set(field, at);
    at += field.length;
    ends[index] = at;
    bytes[at++] = 0x2c;
  });
  return { bytes, starts, ends };
}

function measure(name: string, converter: FieldConverter, make: (i: number) => string): void {
  const { bytes, starts, ends } = buffer(Array.from({ length: FIELDS }, (_, i) => make(i)));
  const w = new Writer(1 << 24);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    w.length = 0;
    const started = performance.now();
    for (let i = 0; i < FIELDS; i++) {
      const at = w.beginValue();
      converter.write(w, bytes, starts[i]!, ends[i]!);
      w.endValue(at);
    }
    best = Math.min(best, performance.now() - started);
  }
  const perSecond = FIELDS / (best / 1000);
  console.log(`${name.padEnd(34)} ${(perSecond / 1e6).toFixed(1).padStart(6)} M fields/s`);
}

const session = { timeZone: 'Europe/Berlin', serverVersion: 170_000 };
const get = (type: string) => converterFor(type, session)!;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const stamp = (i: number) =>
  `20${pad(10 + (i % 15))}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))} ${pad(i % 24)}:${pad(i % 60)}:${pad((i * 7) % 60)}`;

measure('int4 (1..7 digits)', get('int4'), (i) => String((i * 7919) % 9_999_999));
measure('int8 (snowflake ids, 19 digits)', get('int8'), (i) =>
  String(1_700_000_000_000_000_000n + BigInt(i) * 7919n),
);
measure('int8 (small)', get('int8'), (i) => String(i));
measure('bool', get('bool'), (i) => (i % 2 ? 'true' : 'f'));
measure('float8 (short decimals)', get('float8'), (i) => `${i % 1000}.${i % 97}`);
measure('float8 (shortest round-trip)', get('float8'), (i) => String(Math.sin(i) * 1e3));
measure('float4 (short decimals)', get('float4'), (i) => `${i % 1000}.${i % 97}`);
measure('numeric (money)', get('numeric'), (i) => `${i % 100000}.${pad(i % 100)}`);
measure('text (12 bytes)', get('text'), (i) => `name ${String(i).padStart(7, '0')}`);
measure('uuid', get('uuid'), (i) => `a0eebc99-9c0b-4ef8-bb6d-${String(i).padStart(12, '0')}`);
measure('date', get('date'), (i) => stamp(i).slice(0, 10));
measure('timestamp', get('timestamp'), stamp);
measure('timestamp (µs)', get('timestamp'), (i) => `${stamp(i)}.${pad(i % 1_000_000, 6)}`);
measure('timestamptz (with offset)', get('timestamptz'), (i) => `${stamp(i)}+02`);
measure('timestamptz (session zone)', get('timestamptz'), stamp);
measure('timestamptz (session zone, sorted)', get('timestamptz'), (i) => {
  const d = new Date(Date.UTC(2020, 0, 1) + i * 60_000);
  return d.toISOString().replace('T', ' ').slice(0, 19);
});
