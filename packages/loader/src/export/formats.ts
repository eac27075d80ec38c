/**
 * What each export format asks of the server and adds around the merged partitions: the COPY
 * statement per partition, what goes before the first row and after the last, and how to cut a
 * partition's output at rows.
 */
import { PGCOPY_HEADER, PGCOPY_TRAILER } from '@haul/protocol/copy';
import type { ExportFormat } from '../api.ts';
import { JsonLineFramer } from './json-lines.ts';
import { BinaryTupleFramer, CsvRowFramer, PassThroughFramer, type RowFramer } from './row-framing.ts';

const encoder = new TextEncoder();

/**
 * COPY of the rows of `from` (aliased q) that satisfy `where` ('' for all). ndjson is a binary COPY of
 * each row's JSON text, so the bytes are the server's JSON with only the tuple framing to strip.
 */
export function copyStatement(format: ExportFormat, from: string, where: string): string {
  const filter = where === '' ? '' : ` where ${where}`;
  switch (format) {
    case 'csv':
      return `copy (select * from ${from} q${filter}) to stdout (format csv)`;
    case 'binary':
      return `copy (select * from ${from} q${filter}) to stdout (format binary)`;
    case 'ndjson':
      return `copy (select row_to_json(q)::text from ${from} q${filter}) to stdout (format binary)`;
  }
}

/** Bytes before the first row: the CSV header line, or the one PGCOPY header. */
export function formatPrefix(
  format: ExportFormat,
  columnNames: readonly string[],
  csvHeader: boolean,
): Uint8Array | null {
  if (format === 'binary') return PGCOPY_HEADER.slice();
  if (format === 'csv' && csvHeader) return encoder.encode(`${columnNames.map(csvField).join(',')}\n`);
  return null;
}

/** Bytes after the last row: the binary trailer. */
export function formatSuffix(format: ExportFormat): Uint8Array | null {
  return format === 'binary' ? PGCOPY_TRAILER.slice() : null;
}

/**
 * How one partition's output is cut at rows. The server's CSV is already the output: alone, it goes
 * out untouched; beside other partitions, it is cut at rows. Binary and ndjson always lose the
 * server's PGCOPY framing.
 */
export function rowFramer(format: ExportFormat, columnCount: number, partitions: number): RowFramer {
  switch (format) {
    case 'csv':
      return partitions === 1 ? new PassThroughFramer() : new CsvRowFramer();
    case 'binary':
      return new BinaryTupleFramer(columnCount);
    case 'ndjson':
      return new JsonLineFramer();
  }
}

/**
 * A header field quoted as the server quotes CSV values: when it holds the delimiter, a quote, CR or
 * LF, is empty (which would read as NULL), or is `\.` (which would read as end of data).
 */
export function csvField(value: string): string {
  const quote = value === '' || value === '\\.' || /[",\r\n]/.test(value);
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}
