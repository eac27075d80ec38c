/**
 * The loader benchmarks' input: the A1 table's columns (id int8, name text, score float8, at
 * timestamptz, active bool, ref uuid, note text) as a CSV file with a header, generated row by row
 * straight to disk (a 1 GB file never sits in memory) and deterministic, so every run loads the same
 * bytes. About 120 bytes a row: 1,000,000 rows ≈ 120 MB.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { BASE_MS, COPY_COLUMNS, FILLER, uuidFor } from './copy-rows.ts';

export const CSV_HEADER = COPY_COLUMNS.map((column) => column.name).join(',');

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
