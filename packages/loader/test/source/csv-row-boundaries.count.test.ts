/**
 * The row-boundary scanner's work, counted (no clock): the bytes its searches look at grow linearly
 * with the input, also when the whole input is one array scanned batch by batch (the way the parser
 * reads a source given in one piece), where a search for a byte the input lacks (a CR in an LF file)
 * must not run to the end of the input once per batch.
 */
import { describe, expect, it } from 'vitest';
import { type ByteIndexOf, indexOfByte } from '../../src/source/byte-search.ts';
import { CsvRowBoundaries } from '../../src/source/csv-row-boundaries.ts';
import { DelimitedFieldBatch } from '../../src/source/delimited-batch.ts';
import { resolveDialect } from '../../src/source/dialect.ts';
import { encode } from './helpers.ts';

const dialect = resolveDialect({ kind: 'csv' });

function csv(rows: number): Uint8Array {
  let text = '';
  for (let i = 1; i <= rows; i++) {
    const note = i % 10 === 2 ? '"line one\nline two"' : i % 10 === 6 ? '"a ""quoted"", comma"' : `note ${i}`;
    text += `${i},name-${i},${note}\n`;
  }
  return encode(text);
}

/** Bytes the searches looked at to find every row of `rows` rows, 4 KiB batches of one array. */
function bytesSearched(rows: number): { searched: number; length: number } {
  const data = csv(rows);
  let searched = 0;
  const counting: ByteIndexOf = function (this: Uint8Array, byte, from) {
    const at = indexOfByte.call(this, byte, from);
    searched += (at < 0 ? this.length : at + 1) - from;
    return at;
  };
  const scanner = new CsvRowBoundaries(dialect, counting);
  const batch = new DelimitedFieldBatch(dialect);
  let found = 0;
  for (let from = 0; from < data.length; ) {
    batch.reset(data);
    from = scanner.scan(batch, data, from, true, from + 4096, Number.POSITIVE_INFINITY);
    found += batch.rowCount;
  }
  expect(found).toBe(rows);
  expect(scanner.line).toBe(rows + rows / 10 + 1);
  return { searched, length: data.length };
}

describe('row boundaries: work linear in the input', () => {
  it('searches about each byte a few times, at N and 4N rows alike', () => {
    const small = bytesSearched(20_000);
    const large = bytesSearched(80_000);
    expect(small.searched).toBeLessThan(4 * small.length);
    expect(large.searched / large.length).toBeLessThan((small.searched / small.length) * 1.1);
  });
});
