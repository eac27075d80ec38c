/**
 * Why a byte-level CSV parser: Haul's loader parser next to papaparse and csv-parse on the same
 * ~100 MB of CSV, every field's content read by each. A micro-benchmark, not a test: the numbers
 * depend on the machine.
 *
 *   pnpm exec tsx bench/csv-parsers.ts [--mb 100] [--runs 3]
 *
 * - haul: the input fed in 64 KiB chunks, as a file stream would feed it, or handed over whole (then
 *   parsed in place). For every field it takes the value's length, unescaping the escaped ones first
 *   — what the others give for free once they have made their strings. "+ every byte" also reads
 *   (sums) every byte of every value, which a converter to binary COPY does. No strings are made.
 * - papaparse / csv-parse: given the text (papaparse: its time includes decoding the bytes to one
 *   string, which it needs) or the bytes in 64 KiB chunks (csv-parse's stream API); they make a
 *   string per field, of which the benchmark reads the length.
 */

import { unescapeField } from '@haul/loader';
import { parse as csvParse } from 'csv-parse';
import Papa from 'papaparse';
import { parseDelimited } from '../packages/loader/src/source/csv-parser.ts';
import { FIELD_ESCAPED, FIELD_NULL } from '../packages/loader/src/source/field-batch.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const TARGET_MB = option('mb', 100);
const RUNS = option('runs', 3);
const CHUNK = 64 * 1024;

interface Outcome {
  rows: number;
  fields: number;
  /** Something computed from every field, so no parser can skip work. */
  checksum: number;
}

/** Deterministic rows: id,name,score,timestamp,bool,uuid,note — some names and notes quoted. */
function generateCsv(targetBytes: number): Uint8Array {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const first = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Edsger', 'Frances', 'Dennis'];
  const last = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Dijkstra', 'Allen', 'Ritchie'];
  const words = ['fast', 'loader', 'copy', 'binary', 'shard', 'rows', 'bytes', 'postgres', 'stream'];
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const parts: string[] = ['id,name,score,timestamp,active,ref,note\n'];
  let size = parts[0]!.length;
  for (let id = 1; size < targetBytes; id++) {
    const f = first[Math.floor(random() * first.length)]!;
    const l = last[Math.floor(random() * last.length)]!;
    const name = random() < 0.2 ? `"${l}, ${f}"` : `${f} ${l}`;
    const score = (random() * 1000).toFixed(3);
    const at = new Date(1_700_000_000_000 + Math.floor(random() * 1e10)).toISOString();
    const active = random() < 0.5 ? 't' : 'f';
    const ref = `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
    const text = Array.from({ length: 2 + Math.floor(random() * 3) }, () => words[Math.floor(random() * 9)]);
    const roll = random();
    const note =
      roll < 0.1
        ? `"${text.join(', ')}"`
        : roll < 0.13
          ? `"she said ""${text[0]}"""`
          : roll < 0.18
            ? ''
            : text.join(' ');
    const line = `${id},${name},${score},${at},${active},${ref},${note}\n`;
    parts.push(line);
    size += line.length;
  }
  return new TextEncoder().encode(parts.join(''));
}

async function* chunked(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}

async function* whole(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function haul(source: AsyncIterable<Uint8Array>, everyByte: boolean): Promise<Outcome> {
  let rows = 0;
  let fields = 0;
  let checksum = 0;
  const scratch = new Uint8Array(64 * 1024);
  for await (const batch of parseDelimited(source, { dialect: 'csv', header: true })) {
    rows += batch.rowCount;
    const count = batch.rowField[batch.rowCount]!;
    fields += count;
    const { bytes, fieldStart, fieldEnd, fieldFlags } = batch;
    for (let f = 0; f < count; f++) {
      const flags = fieldFlags[f]!;
      if (flags & FIELD_NULL) continue;
      let value = bytes;
      let start = fieldStart[f]!;
      let end = fieldEnd[f]!;
      if (flags & FIELD_ESCAPED) {
        value = unescapeField(batch, f, scratch);
        start = 0;
        end = value.length;
      }
      if (!everyByte) {
        checksum = (checksum + end - start) | 0;
        continue;
      }
      let sum = 0;
      for (let k = start; k < end; k++) sum += value[k]!;
      checksum = (checksum + sum) | 0;
    }
  }
  return { rows, fields, checksum };
}

function papaparse(bytes: Uint8Array): Outcome {
  const text = new TextDecoder().decode(bytes);
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false });
  if (result.errors.length > 0) throw new Error(`papaparse: ${result.errors[0]!.message}`);
  const data = result.data;
  let fields = 0;
  let checksum = 0;
  // Its last element is the empty line after the final newline.
  const rows =
    data.length - 1 - (data[data.length - 1]!.length === 1 && data[data.length - 1]![0] === '' ? 1 : 0);
  for (let r = 1; r <= rows; r++) {
    const row = data[r]!;
    fields += row.length;
    for (const value of row) checksum = (checksum + value.length) | 0;
  }
  return { rows, fields, checksum };
}

async function csvParseStream(bytes: Uint8Array): Promise<Outcome> {
  const parser = csvParse({ from_line: 2 });
  const feeding = (async () => {
    for await (const chunk of chunked(bytes)) {
      if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
    }
    parser.end();
  })();
  let rows = 0;
  let fields = 0;
  let checksum = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    rows++;
    fields += record.length;
    for (const value of record) checksum = (checksum + value.length) | 0;
  }
  await feeding;
  return { rows, fields, checksum };
}

async function time(run: () => Promise<Outcome> | Outcome): Promise<{ ms: number; outcome: Outcome }> {
  let best = Number.POSITIVE_INFINITY;
  let outcome: Outcome | undefined;
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    outcome = await run();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, outcome: outcome! };
}

const input = generateCsv(TARGET_MB * 1e6);
const mb = input.length / 1e6;
console.log(`${mb.toFixed(1)} MB of CSV, best of ${RUNS} runs each (Node ${process.version})\n`);

const contenders: Array<[string, () => Promise<Outcome> | Outcome]> = [
  ['haul (64 KiB chunks)', () => haul(chunked(input), false)],
  ['haul (one buffer)', () => haul(whole(input), false)],
  ['haul + every byte', () => haul(chunked(input), true)],
  ['papaparse', () => papaparse(input)],
  ['csv-parse (stream)', () => csvParseStream(input)],
];
const results: Array<{ name: string; ms: number; outcome: Outcome }> = [];
for (const [name, run] of contenders) {
  const { ms, outcome } = await time(run);
  results.push({ name, ms, outcome });
  console.log(
    `${name.padEnd(22)} ${(mb / (ms / 1000)).toFixed(0).padStart(6)} MB/s  ${ms.toFixed(0).padStart(6)} ms  ` +
      `${outcome.rows} rows, ${outcome.fields} fields`,
  );
}
const ours = results[0]!;
console.log('');
for (const other of results.slice(3)) {
  // The data is ASCII: byte lengths and string lengths must add up to the same.
  const { rows, fields, checksum } = other.outcome;
  if (rows !== ours.outcome.rows || fields !== ours.outcome.fields || checksum !== ours.outcome.checksum) {
    console.log(`!! ${other.name} disagrees: ${rows} rows, ${fields} fields, value lengths ${checksum}`);
  }
  console.log(`haul (64 KiB chunks) is ${(other.ms / ours.ms).toFixed(1)}x ${other.name}`);
}
