/**
 * Rows already in memory — (async) iterables of arrays or objects — as ValueBatches, and the peek that
 * tells such an iterable from one of byte chunks by its first element.
 */
import { BadRowError, preview } from '../errors.ts';
import type { ValueBatch } from './row-reader.ts';

export const DEFAULT_BATCH_ROWS = 4096;

type Row = readonly unknown[] | Readonly<Record<string, unknown>>;
type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;

/** An iterable's first element, and an iterator that continues after it. */
export interface Peeked<T> {
  /** Undefined when the iterable was empty. */
  readonly first: { value: T } | undefined;
  readonly iterator: AnyIterator<T>;
}

export async function peek<T>(source: Iterable<T> | AsyncIterable<T>): Promise<Peeked<T>> {
  const iterator: AnyIterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const result = await iterator.next();
  return { first: result.done ? undefined : { value: result.value }, iterator };
}

/** The peeked element followed by the rest; leaving the loop early returns the underlying iterator. */
export function replay<T>(peeked: Peeked<T>): AsyncIterable<T> {
  const { first, iterator } = peeked;
  return {
    async *[Symbol.asyncIterator]() {
      let finished = first === undefined;
      try {
        if (first !== undefined) yield first.value;
        while (!finished) {
          const result = await iterator.next();
          if (result.done) {
            finished = true;
            return;
          }
          yield result.value;
        }
      } finally {
        if (!finished) await iterator.return?.();
      }
    },
  };
}

/**
 * Batches of `batchRows` rows, each an array (by position) or a plain object (by key); rowLine is the
 * row's 1-based index. Anything else is a BadRowError naming the row.
 */
export async function* batchRows(
  rows: AsyncIterable<unknown>,
  batchRows = DEFAULT_BATCH_ROWS,
): AsyncGenerator<ValueBatch, void, undefined> {
  let batch: Row[] = [];
  let lines: number[] = [];
  let index = 0;
  for await (const row of rows) {
    index++;
    if (typeof row !== 'object' || row === null || ArrayBuffer.isView(row)) {
      throw new BadRowError(`row ${index} is ${describe(row)}, not an array or object`, {
        line: index,
        value: preview(String(row)),
      });
    }
    batch.push(row as Row);
    lines.push(index);
    if (batch.length >= batchRows) {
      yield { rows: batch, rowLine: lines, sourceStart: 0, sourceEnd: 0 };
      batch = [];
      lines = [];
    }
  }
  if (batch.length > 0) yield { rows: batch, rowLine: lines, sourceStart: 0, sourceEnd: 0 };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}
