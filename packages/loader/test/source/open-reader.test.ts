/** openRowReader: every LoadSource as a RowReader (header, first row width, batches, bytesRead, close). */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LoadSource } from '../../src/api.ts';
import { BadRowError, LoadConfigError } from '../../src/errors.ts';
import { openRowReader, type RowReaderOptions } from '../../src/source/open-reader.ts';
import type { RowReader } from '../../src/source/row-reader.ts';
import { batchRows, encode, plainJson } from './helpers.ts';

/** Every row as values (fields decoded, JS values as they are, JSON values as plain JS) with its line. */
async function readAll(reader: RowReader): Promise<Array<{ line: number; row: unknown }>> {
  const out: Array<{ line: number; row: unknown }> = [];
  for await (const item of reader.batches()) {
    if (item.kind === 'fields') {
      for (const row of batchRows(item.batch)) out.push({ line: row.line, row: row.fields });
    } else {
      item.batch.rows.forEach((row, k) => {
        out.push({ line: item.batch.rowLine[k]!, row: item.batch.fromJson ? plainJson(row) : row });
      });
    }
  }
  return out;
}

async function open(source: LoadSource, options: RowReaderOptions = {}) {
  const reader = await openRowReader(source, options);
  return { reader, header: reader.header, width: reader.firstRowWidth, rows: await readAll(reader) };
}

describe('byte sources', () => {
  it('csv: header by default, first row width, lines from 2', async () => {
    const got = await open('id,name\n1,a\n2,\n', { format: 'csv' });
    expect(got.header).toEqual(['id', 'name']);
    expect(got.width).toBe(2);
    expect(got.rows).toEqual([
      { line: 2, row: ['1', 'a'] },
      { line: 3, row: ['2', null] },
    ]);
    expect(got.reader.bytesRead).toBe(15);
  });

  it('csv without a header is positional', async () => {
    const got = await open('1,a,x\n', { format: 'csv', header: false });
    expect(got.header).toBeNull();
    expect(got.width).toBe(3);
    expect(got.rows).toEqual([{ line: 1, row: ['1', 'a', 'x'] }]);
  });

  it('passes the csv options through', async () => {
    const got = await open("a;b\n'x;y';-\n", { format: 'csv', delimiter: ';', quote: "'", null: '-' });
    expect(got.rows).toEqual([{ line: 2, row: ['x;y', null] }]);
  });

  it('tsv is COPY text format, with a header by default', async () => {
    const got = await open('a\tb\n\\N\tx\\ty\n', { fileName: 'data.tsv' });
    expect(got.header).toEqual(['a', 'b']);
    expect(got.rows).toEqual([{ line: 2, row: [null, 'x\ty'] }]);
  });

  it('tells the format from the file name, gzip from the bytes', async () => {
    const gz = gzipSync(encode('{"a":1,"b":2}\n{"a":3,"b":4}\n'));
    const got = await open(Readable.from([gz]), { fileName: 'rows.ndjson.gz' });
    expect(got.header).toEqual(['a', 'b']);
    expect(got.width).toBe(2);
    expect(got.rows).toEqual([
      { line: 1, row: { a: 1, b: 2 } },
      { line: 2, row: { a: 3, b: 4 } },
    ]);
    expect(got.reader.bytesRead).toBe(28);
  });

  it('a JSON array of arrays is positional; of objects, keyed by the first one', async () => {
    const positional = await open('[[1,"a"],[2,"b"]]', { format: 'json' });
    expect(positional.header).toBeNull();
    expect(positional.width).toBe(2);
    const keyed = await open(new Blob(['[{"x":1,"y":2,"z":3}]']), { format: 'json' });
    expect(keyed.header).toEqual(['x', 'y', 'z']);
    expect(keyed.width).toBe(3);
  });

  it('a header-only file and an empty file', async () => {
    const headerOnly = await open('a,b\n', { format: 'csv' });
    expect(headerOnly.header).toEqual(['a', 'b']);
    expect(headerOnly.width).toBe(0);
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.reader.bytesRead).toBe(4);
    const empty = await open(new Uint8Array(0), { format: 'csv' });
    expect(empty.header).toEqual([]);
    expect(empty.width).toBe(0);
    expect(empty.rows).toEqual([]);
    const emptyJson = await open('', { format: 'ndjson' });
    expect(emptyJson.header).toBeNull();
    expect(emptyJson.rows).toEqual([]);
  });

  it('an async iterable of Uint8Array is bytes, read as its format says', async () => {
    async function* chunks() {
      yield encode('a,b\n1,');
      yield encode('2\n');
    }
    const got = await open(chunks(), { format: 'csv' });
    expect(got.rows).toEqual([{ line: 2, row: ['1', '2'] }]);
  });

  it('a bad format or a missing one is a LoadConfigError before anything is read', async () => {
    await expect(openRowReader('a\n')).rejects.toBeInstanceOf(LoadConfigError);
    await expect(openRowReader('a\n', { fileName: 'a.xlsx' })).rejects.toThrow(/cannot tell the format/);
    await expect(openRowReader('a\n', { format: 'xml' as 'csv' })).rejects.toThrow(/unknown format/);
    await expect(openRowReader('a\n', { format: 'csv', delimiter: '::' })).rejects.toBeInstanceOf(
      LoadConfigError,
    );
    await expect(openRowReader(42 as unknown as LoadSource)).rejects.toBeInstanceOf(LoadConfigError);
  });

  it('a parse error in the first batch rejects openRowReader and releases the source', async () => {
    let released = false;
    async function* chunks() {
      try {
        yield encode('a\n"unterminated\n');
      } finally {
        released = true;
      }
    }
    await expect(openRowReader(chunks(), { format: 'csv', header: false })).rejects.toBeInstanceOf(
      BadRowError,
    );
    expect(released).toBe(true);
  });

  it('close() cancels the stream; batches() ends', async () => {
    let cancelled = false;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(encode('a,b\n'.repeat(1000)));
        // then never again: a stalled source
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = await openRowReader(stream, { format: 'csv', header: false, targetBytes: 1000 });
    expect(reader.firstRowWidth).toBe(2);
    let batches = 0;
    const done = (async () => {
      for await (const _ of reader.batches()) batches++;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await reader.close();
    await done;
    expect(cancelled).toBe(true);
    expect(batches).toBeGreaterThan(0);
    await reader.close();
  });

  it('batches() can be called once', async () => {
    const reader = await openRowReader('a\n', { format: 'csv' });
    await readAll(reader);
    await expect(readAll(reader)).rejects.toThrow(/only once/);
  });
});

describe('rows in memory', () => {
  it('arrays by position, in batches of 4096, line = 1-based index', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [i, `n${i}`]);
    const reader = await openRowReader(rows);
    expect(reader.header).toBeNull();
    expect(reader.firstRowWidth).toBe(2);
    const sizes: number[] = [];
    let last = 0;
    for await (const item of reader.batches()) {
      expect(item.kind).toBe('values');
      if (item.kind !== 'values') continue;
      sizes.push(item.batch.rows.length);
      last = item.batch.rowLine.at(-1)!;
      expect(item.batch.sourceStart).toBe(0);
    }
    expect(sizes).toEqual([4096, 4096, 1808]);
    expect(last).toBe(10_000);
    expect(reader.bytesRead).toBe(0);
  });

  it('objects by key: the header is every key of the first batch, in the order first seen', async () => {
    async function* rows() {
      yield { id: 1, name: 'a' };
      yield { id: 2, extra: true, name: 'b' };
    }
    const got = await open(rows());
    expect(got.reader.byKey).toBe(true);
    expect(got.header).toEqual(['id', 'name', 'extra']);
    expect(got.width).toBe(2);
    expect(got.rows.map((r) => r.line)).toEqual([1, 2]);
  });

  it('an empty iterable has no rows (or is an empty file when a format is named)', async () => {
    const none = await open([]);
    expect(none.header).toBeNull();
    expect(none.rows).toEqual([]);
    const emptyFile = await open([], { format: 'csv' });
    expect(emptyFile.header).toEqual([]);
  });

  it('a row that is neither an array nor an object is a BadRowError naming it', async () => {
    // In the first batch, read at once: openRowReader itself rejects.
    await expect(openRowReader([[1], 'oops' as unknown as unknown[]])).rejects.toThrow(/row 2 is a string/);
    const later = Array.from({ length: 5000 }, (_, i): unknown => (i === 4999 ? null : [i]));
    const reader = await openRowReader(later as unknown[][]);
    const error = await readAll(reader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).line).toBe(5000);
  });

  it('close() returns the iterator', async () => {
    let returned = false;
    function* rows() {
      try {
        for (let i = 0; ; i++) yield [i];
      } finally {
        returned = true;
      }
    }
    const reader = await openRowReader(rows());
    for await (const _ of reader.batches()) break;
    expect(returned).toBe(true);
  });
});
