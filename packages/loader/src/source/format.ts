/** Telling a source's format from its file name. */
import type { SourceFormat } from '../api.ts';

const BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  // Plain-text data files are most often what `COPY … TO` writes: PostgreSQL's tab-separated text format.
  txt: 'tsv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
};

/**
 * The format a file name's extension implies (case-insensitive, a trailing `.gz` allowed), or undefined
 * when it names none. Gzip itself is detected from the bytes, not the name.
 */
export function inferFormat(fileName: string): SourceFormat | undefined {
  // A URL's query or fragment is not part of the name.
  let name = fileName.replace(/[?#].*$/, '').toLowerCase();
  if (name.endsWith('.gz')) name = name.slice(0, -3);
  const dot = name.lastIndexOf('.');
  if (dot < 0 || name.indexOf('/', dot) >= 0 || name.indexOf('\\', dot) >= 0) return undefined;
  return BY_EXTENSION[name.slice(dot + 1)];
}
