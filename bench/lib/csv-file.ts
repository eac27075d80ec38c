/**
 * The loader benchmarks' input: the A1 table's columns (id int8, name text, score float8, at
 * timestamptz, active bool, ref uuid, note text) as a CSV file with a header, generated row by row
 * straight to disk (a 1 GB file never sits in memory) and deterministic, so every run loads the same
 * bytes. About 120 bytes a row: 1,000,000 rows ≈ 120 MB.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { COPY_COLUMNS } from './copy-rows.ts';

export const CSV_HEADER = COPY_COLUMNS.map((column) => column.name).join(',');

/** 2024-01-01T00:00:00Z, as in copy-rows.ts. */
const BASE_MS = Date.UTC(2024, 0, 1);

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The "lowbias32" integer hash: uuids that look random yet depend on the row number only. */
function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hex32(word: number): string {
  return HEX[word >>> 24]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
}

function uuidFor(i: number): string {
  const a = hex32(mix(i));
  const b = hex32(mix(i + 0x9e3779b9));
  const c = hex32(mix(i ^ 0x5bd1e995));
  const d = hex32(mix(i * 31 + 7));
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

const FILLER = 'the quick brown fox jumps over the lazy dog; '.repeat(2);

/**
 * The note field as CSV: empty (NULL) in one row of ten, and some that CSV must quote (a comma, a
 * quote, a newline inside the field) or that hold a tab, backslashes or multi-byte UTF-8, so parsers
 * do their real work.
 */
function noteField(i: number): string {
  switch (i % 10) {
    case 0:
      return '';
    case 1:
      return `tab\tseparated ${i}`;
    case 2:
      return `"line one\nline two ${i}"`;
    case 3:
      return `C:\\path\\to\\file-${i}`;
    case 4:
      return `naïve café ${i} — ✓`;
    case 5:
      return `${FILLER}${i}`;
    case 6:
      return `"a ""quoted"", comma ${i}"`;
    default:
      return `note ${i}`;
  }
}

/** Row `i` (1-based) as one CSV record with its newline. */
export function csvRecord(i: number): string {
  const score = (i % 100_000) * 0.37 + i / 1024;
  const at = new Date(BASE_MS + i * 1000 + (i % 1000)).toISOString();
  return `${i},name-${i},${score},${at},${i % 3 !== 0},${uuidFor(i)},${noteField(i)}\n`;
}

/** Characters per write: big enough that the stream's bookkeeping costs nothing. */
const CHUNK_CHARS = 1 << 20;

export interface CsvFile {
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Writes rows 1..`rows` (or, with `minBytes`, as many rows as it takes to reach that size) under a
 * header line, with backpressure.
 */
export async function writeCsvFile(
  path: string,
  size: { rows: number } | { minBytes: number },
): Promise<CsvFile> {
  const stream = createWriteStream(path);
  const header = `${CSV_HEADER}\n`;
  let bytes = Buffer.byteLength(header);
  let text = header;
  let rows = 0;
  const more = 'rows' in size ? () => rows < size.rows : () => bytes < size.minBytes;
  while (more()) {
    rows++;
    const record = csvRecord(rows);
    text += record;
    bytes += Buffer.byteLength(record);
    if (text.length >= CHUNK_CHARS) {
      if (!stream.write(text)) await once(stream, 'drain');
      text = '';
    }
  }
  stream.end(text);
  await finished(stream);
  return { path, rows, bytes };
}
