/**
 * openRowReader: any LoadSource as a RowReader. Byte sources go by format (given, or told from the file
 * name) through the CSV/text parser or the JSON readers; rows already in memory are batched as they are.
 * The first batch is read at once so the header and the first row's width are known before loading.
 */
import type { CsvOptions, LoadSource, SourceFormat } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import {
  type ByteInput,
  isAsyncIterable,
  isReadableStream,
  type OpenedBytes,
  openBytes,
} from './byte-source.ts';
import { parseDelimited } from './csv-parser.ts';
import { resolveDialect } from './dialect.ts';
import { inferFormat } from './format.ts';
import { parseJson, parseNdjson } from './json-rows.ts';
import { batchRows, peek, replay } from './row-iterables.ts';
import type { RowBatch, RowReader, ValueBatch } from './row-reader.ts';

export interface RowReaderOptions extends CsvOptions {
  /** Required for byte sources unless `fileName` tells it; ignored for rows in memory. */
  format?: SourceFormat;
  /** Only to infer the format from its extension. */
  fileName?: string;
  /** Source bytes per batch (about); default 2 MiB. */
  targetBytes?: number;
  /** The most bytes one row may take; default 64 MiB (see row-limit.ts). */
  maxRowBytes?: number;
}

const FORMATS: readonly SourceFormat[] = ['csv', 'tsv', 'ndjson', 'json'];

export async function openRowReader(source: LoadSource, options: RowReaderOptions = {}): Promise<RowReader> {
  if (isByteSource(source)) return openBytesReader(source, options);
  if (
    typeof source !== 'object' ||
    source === null ||
    !(Symbol.iterator in source || isAsyncIterable(source))
  ) {
    throw new LoadConfigError(
      'source must be bytes (Uint8Array, string, Blob, ReadableStream, async iterable of Uint8Array) or an iterable of rows',
    );
  }
  const peeked = await peek<unknown>(source as Iterable<unknown> | AsyncIterable<unknown>);
  const first = peeked.first?.value;
  const bytesLike = first instanceof Uint8Array || typeof first === 'string';
  // An empty iterable with a format named is an empty file; otherwise, no rows.
  if (bytesLike || (first === undefined && (options.format ?? options.fileName) !== undefined)) {
    return openBytesReader(replay(peeked) as AsyncIterable<Uint8Array>, options);
  }
  const rows = replay(peeked);
  const iterator = peeked.iterator;
  return startReader(batchRows(rows), 'values', null, async () => {
    await iterator.return?.();
  });
}

function isByteSource(source: LoadSource): source is Uint8Array | string | Blob | ReadableStream<Uint8Array> {
  return (
    source instanceof Uint8Array ||
    typeof source === 'string' ||
    (typeof Blob !== 'undefined' && source instanceof Blob) ||
    isReadableStream(source)
  );
}

function openBytesReader(source: ByteInput, options: RowReaderOptions): Promise<RowReader> {
  const format = resolveFormat(options);
  const { targetBytes, maxRowBytes } = options;
  if (format === 'ndjson' || format === 'json') {
    const opened = openBytes(source);
    const parse = format === 'json' ? parseJson : parseNdjson;
    return startReader(parse(opened.stream, { targetBytes, maxRowBytes }), 'values', opened, () =>
      opened.close(),
    );
  }
  const dialect = format === 'csv' ? 'csv' : 'text';
  const header = options.header ?? true;
  // Refuse bad options before the source is touched.
  resolveDialect({ ...options, kind: dialect, header });
  const opened = openBytes(source);
  const names: { value: string[] | null } = { value: null };
  let rowsOnly: () => boolean = () => false;
  const batches = parseDelimited(
    opened.stream,
    {
      dialect,
      header,
      onHeader: (found) => {
        names.value = found;
      },
      rowsOnly: () => rowsOnly(),
      ...pick(options),
    },
    { targetBytes, maxRowBytes },
  );
  const findRowsOnly = (choose: () => boolean = () => true) => {
    if (dialect !== 'csv') return false;
    rowsOnly = choose;
    return true;
  };
  return startReader(batches, 'fields', opened, () => opened.close(), names, findRowsOnly);
}

function resolveFormat(options: RowReaderOptions): SourceFormat {
  const { format, fileName } = options;
  if (format !== undefined) {
    if (!FORMATS.includes(format)) {
      throw new LoadConfigError(`unknown format ${JSON.stringify(format)}: use csv, tsv, ndjson or json`);
    }
    return format;
  }
  if (fileName === undefined) {
    throw new LoadConfigError(
      'the format of a byte source is needed: pass format (csv, tsv, ndjson or json)',
    );
  }
  const inferred = inferFormat(fileName);
  if (inferred === undefined) {
    throw new LoadConfigError(
      `cannot tell the format of ${JSON.stringify(fileName)} from its name: pass format (csv, tsv, ndjson or json)`,
    );
  }
  return inferred;
}

function pick(options: CsvOptions): CsvOptions {
  const picked: CsvOptions = {};
  if (options.delimiter !== undefined) picked.delimiter = options.delimiter;
  if (options.quote !== undefined) picked.quote = options.quote;
  if (options.escape !== undefined) picked.escape = options.escape;
  if (options.null !== undefined) picked.null = options.null;
  return picked;
}

type Kind = 'fields' | 'values';

/**
 * How the first batch's rows look: the first readable row is an array (positional, its length the
 * width) or an object; then every key any object of the batch has, in the order first seen, so a key
 * missing from the first row still names a column (for the mapping and for createTable).
 */
function valueShape(batch: ValueBatch): { width: number; keys: string[] | null } {
  let firstRow: number | undefined;
  for (let r = 0; r < batch.rows.length && firstRow === undefined; r++) {
    if (!batch.rowError?.has(r)) firstRow = r;
  }
  if (firstRow === undefined) return { width: 0, keys: null };
  const row = batch.rows[firstRow]!;
  if (Array.isArray(row)) return { width: row.length, keys: null };
  const keys = new Set<string>();
  for (let r = firstRow; r < batch.rows.length; r++) {
    const other = batch.rows[r]!;
    if (Array.isArray(other) || batch.rowError?.has(r)) continue;
    for (const key of Object.keys(other)) keys.add(key);
  }
  return { width: Object.keys(row).length, keys: [...keys] };
}
type AnyBatch = Extract<RowBatch, { kind: 'fields' }>['batch'] | ValueBatch;

async function startReader(
  batches: AsyncGenerator<AnyBatch, void, undefined>,
  kind: Kind,
  opened: OpenedBytes | null,
  release: () => Promise<void>,
  headerNames?: { value: string[] | null },
  findRowsOnly: (choose?: () => boolean) => boolean = () => false,
): Promise<RowReader> {
  let busy = true;
  let first: IteratorResult<AnyBatch, void>;
  try {
    first = await batches.next();
  } catch (error) {
    await release().catch(() => {});
    throw error;
  } finally {
    busy = false;
  }

  let header: readonly string[] | null = headerNames ? headerNames.value : null;
  let firstRowWidth = 0;
  let byKey = false;
  if (!first.done) {
    const batch = first.value;
    if (kind === 'fields' && 'rowField' in batch) {
      firstRowWidth = batch.rowField[1]! - batch.rowField[0]!;
    } else if ('rows' in batch) {
      const shape = valueShape(batch);
      firstRowWidth = shape.width;
      byKey = shape.keys !== null;
      if (shape.keys !== null) header = shape.keys;
    }
  }

  let bytesRead = 0;
  let closed = false;
  let started = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await release().catch(() => {});
    // A generator waiting on a read finishes once the release ends that read; do not wait for it.
    const stopping = batches.return(undefined).catch(() => undefined);
    if (!busy) await stopping;
  };
  const account = (batch: AnyBatch): void => {
    bytesRead =
      'rowField' in batch
        ? batch.sourceOffset + batch.rowStart[batch.rowCount]! - batch.rowStart[0]!
        : Math.max(bytesRead, batch.sourceEnd);
  };
  const wrap = (batch: AnyBatch): RowBatch =>
    'rowField' in batch ? { kind: 'fields', batch } : { kind: 'values', batch };

  return {
    header,
    byKey,
    firstRowWidth,
    get bytesRead() {
      return bytesRead;
    },
    async *batches() {
      if (started) throw new TypeError('RowReader.batches() can be called only once');
      started = true;
      try {
        if (first.done) {
          if (opened) bytesRead = opened.bytesRead;
          return;
        }
        if (closed) return;
        account(first.value);
        yield wrap(first.value);
        for (;;) {
          if (closed) return;
          busy = true;
          let next: IteratorResult<AnyBatch, void>;
          try {
            next = await batches.next();
          } finally {
            busy = false;
          }
          if (next.done) break;
          account(next.value);
          yield wrap(next.value);
        }
        if (opened) bytesRead = opened.bytesRead;
      } finally {
        await close();
      }
    },
    findRowsOnly,
    close,
  };
}
