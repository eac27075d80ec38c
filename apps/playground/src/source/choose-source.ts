/** A chosen file (dropped, picked or generated) → its format, gzip-ness and preview, or why not. */
import { inferFormat } from '@haul/loader';
import type { SourceFile, SourceFormat } from '../state/app-state.ts';
import { isGzip, readPreview } from './preview.ts';

export class SourceError extends Error {
  override name = 'SourceError';
}

/** The format from the name (.csv, .tsv/.txt, .ndjson/.jsonl, with .gz), else CSV. */
export function formatOf(name: string): SourceFormat {
  const inferred = inferFormat(name);
  if (inferred === 'json') {
    throw new SourceError(`${name} looks like a JSON array; the worker loads NDJSON (one object per line).`);
  }
  return inferred ?? 'csv';
}

export async function describeSource(
  blob: Blob,
  name: string,
  format: SourceFormat = formatOf(name),
  header = format !== 'ndjson',
): Promise<SourceFile> {
  const gzip = await isGzip(blob);
  try {
    const preview = await readPreview(blob, format, header, gzip);
    return { blob, name, format, header, gzip, preview };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new SourceError(`Could not read ${name} as ${format.toUpperCase()}: ${why}`);
  }
}

/** A table name from a file name: `Sales 2024.csv.gz` → `sales_2024`. */
export function tableNameFor(fileName: string): string {
  const base = fileName.replace(/\.gz$/i, '').replace(/\.[^.]*$/, '');
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'imported';
  return /^[0-9]/.test(name) ? `t_${name}` : name.slice(0, 63);
}
