/**
 * The preview: only the first ~64 KiB of the file are parsed in the page (with the loader's own
 * parsers, so what you see is what the worker will read), giving the first rows and the schema Haul
 * would create from them. A gzipped file is read through its decompressor until the first batch.
 */
import { fieldText, inferColumns, JsonContainer, JsonNumber, openRowReader } from '@haul/loader';
import type { SourceFormat, SourcePreview } from '../state/app-state.ts';

export const PREVIEW_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 20;
/** Rows the schema is inferred from (the loader's createTable samples 1000 too). */
const SAMPLE_ROWS = 1000;

export async function isGzip(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

export async function readPreview(
  blob: Blob,
  format: SourceFormat,
  header: boolean,
  gzip: boolean,
): Promise<SourcePreview> {
  const input = gzip ? blob : await headOf(blob);
  const reader = await openRowReader(input, {
    format,
    ...(format === 'ndjson' ? {} : { header }),
    targetBytes: PREVIEW_BYTES,
  });
  const names = reader.header ? [...reader.header] : null;
  const sample: unknown[][] = [];
  try {
    for await (const batch of reader.batches()) {
      if (batch.kind === 'fields') {
        const b = batch.batch;
        for (let r = 0; r < b.rowCount && sample.length < SAMPLE_ROWS; r++) {
          const row: (string | null)[] = [];
          for (let f = b.rowField[r]!; f < b.rowField[r + 1]!; f++) row.push(fieldText(b, f));
          sample.push(row);
        }
      } else {
        for (const row of batch.batch.rows) {
          if (sample.length >= SAMPLE_ROWS) break;
          sample.push(
            Array.isArray(row) ? [...row] : (names ?? []).map((k) => (row as Record<string, unknown>)[k]),
          );
        }
      }
      // One batch is the whole sampled prefix (or, gzipped, the first ~64 KiB decompressed).
      if (gzip || sample.length >= SAMPLE_ROWS) break;
    }
  } finally {
    await reader.close();
  }
  return {
    header: names,
    rows: sample.slice(0, PREVIEW_ROWS).map((row) => row.map(displayText)),
    // As wide as the table the load creates: the header, else the first row (new-table.ts).
    inferred:
      sample.length > 0 || names ? inferColumns(names, sample, names?.length ?? reader.firstRowWidth) : [],
    sampledRows: sample.length,
  };
}

/** The first PREVIEW_BYTES, cut after the last complete line when the file is longer. */
async function headOf(blob: Blob): Promise<Uint8Array> {
  const bytes = new Uint8Array(await blob.slice(0, PREVIEW_BYTES).arrayBuffer());
  if (blob.size <= PREVIEW_BYTES) return bytes;
  const lastNewline = bytes.lastIndexOf(0x0a);
  return lastNewline > 0 ? bytes.subarray(0, lastNewline + 1) : bytes;
}

export function displayText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  // From NDJSON/JSON: a number or nested value as written in the file.
  if (value instanceof JsonNumber || value instanceof JsonContainer) return value.text;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) {
    return `\\x${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
