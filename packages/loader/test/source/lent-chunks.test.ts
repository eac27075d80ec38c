/**
 * Lent chunks (byte-source.ts): a source may read into two buffers in turn, so a chunk is overwritten
 * once the chunk after the next one is asked for. Here each buffer is poisoned the moment it is
 * reused; every row must still come out as when the whole input is given at once, through the window's
 * adoption of large chunks, rows spanning chunks, NDJSON and the gunzip pipe. Then fileSource, which
 * lends its read buffers, read back through the same reader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSource } from '../../src/api.ts';
import { fileSource } from '../../src/node.ts';
import { openRowReader, type RowReaderOptions } from '../../src/source/open-reader.ts';
import { batchRows, encode, plainJson } from './helpers.ts';

/** Piece sizes, cycled: above and below the window's adoption size (64 KiB), and tiny ones. */
const SIZES = [70_000, 131_072, 300, 200_000, 65_536, 7, 90_001];
const POISON = 0x22; // a quote: garbage that changes how CSV splits

/** `bytes` in pieces through two buffers used in turn, each poisoned before it is filled again. */
function lent(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  const buffers = [new Uint8Array(Math.max(...SIZES)), new Uint8Array(Math.max(...SIZES))];
  let at = 0;
  let reads = 0;
  return {
    async next() {
      if (at >= bytes.length) return { done: true, value: undefined };
      const size = Math.min(SIZES[reads % SIZES.length]!, bytes.length - at);
      const buffer = buffers[reads++ % 2]!;
      buffer.fill(POISON);
      buffer.set(bytes.subarray(at, at + size));
      at += size;
      return { done: false, value: buffer.subarray(0, size) };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Every row the reader yields, decoded at once (batches are reused). */
async function rowsOf(source: LoadSource, options: RowReaderOptions): Promise<unknown[]> {
  const reader = await openRowReader(source, { targetBytes: 100_000, ...options });
  const rows: unknown[] = [];
  for await (const batch of reader.batches()) {
    if (batch.kind === 'fields') rows.push(...batchRows(batch.batch));
    else rows.push(...batch.batch.rows.map(plainJson));
  }
  await reader.close();
  return rows;
}

/** A CSV of about 1.5 MB whose quoted fields hold commas, quotes and line breaks. */
function csvText(): string {
  const lines = ['id,name,note'];
  for (let i = 0; i < 20_000; i++) {
    const note = i % 7 === 0 ? `"line one, ""quoted""\nline ${i}"` : `plain ${i * 31}`;
    lines.push(`${i},name-${i.toString(36).repeat(1 + (i % 5))},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function ndjsonText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 15_000; i++)
    lines.push(JSON.stringify({ id: i, name: `n${'x'.repeat(i % 40)}`, ok: i % 2 === 0 }));
  return `${lines.join('\n')}\n`;
}

describe('lent chunks, poisoned on reuse', () => {
  const csv = encode(csvText());
  const ndjson = encode(ndjsonText());

  it('csv: the same rows as the input given whole', async () => {
    const whole = await rowsOf(csv, { format: 'csv' });
    expect(whole.length).toBe(20_000);
    expect(await rowsOf(lent(csv), { format: 'csv' })).toEqual(whole);
  });

  it('ndjson: the same rows as the input given whole', async () => {
    const whole = await rowsOf(ndjson, { format: 'ndjson' });
    expect(whole.length).toBe(15_000);
    expect(await rowsOf(lent(ndjson), { format: 'ndjson' })).toEqual(whole);
  });

  it('gzip: the pipe inflates copies, not the lent buffers', async () => {
    const whole = await rowsOf(csv, { format: 'csv' });
    expect(await rowsOf(lent(gzipSync(csv)), { format: 'csv' })).toEqual(whole);
  });
});

describe('fileSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-lent-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file of many read buffers, plain and gzipped, row for row', async () => {
    const csv = encode(csvText());
    const plain = join(dir, 'rows.csv');
    const gzipped = join(dir, 'rows.csv.gz');
    await writeFile(plain, csv);
    await writeFile(gzipped, gzipSync(csv));
    const whole = await rowsOf(csv, { format: 'csv' });
    expect(await rowsOf(fileSource(plain), { format: 'csv' })).toEqual(whole);
    expect(await rowsOf(fileSource(gzipped), { format: 'csv' })).toEqual(whole);
  });

  it('a chunk holds its bytes until the chunk after the next one is asked for', async () => {
    const source = fileSource(join(dir, 'rows.csv'));
    const copies: Uint8Array[] = [];
    const chunks: Uint8Array[] = [];
    for (let next = await source.next(); !next.done; next = await source.next()) {
      chunks.push(next.value);
      copies.push(next.value.slice());
      // The chunk before this one is still the loader's: it must not have been read over.
      if (chunks.length >= 2) expect(chunks.at(-2)).toEqual(copies.at(-2));
    }
    expect(copies.length).toBeGreaterThanOrEqual(3);
    expect(Buffer.concat(copies).equals(Buffer.from(encode(csvText())))).toBe(true);
  });

  it('an empty file has no rows, and stopping early closes the file', async () => {
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    expect(await rowsOf(fileSource(empty), { format: 'csv' })).toEqual([]);
    const source = fileSource(join(dir, 'rows.csv'));
    expect((await source.next()).done).toBe(false);
    expect((await source.return!()).done).toBe(true);
    expect((await source.next()).done).toBe(true);
  });
});
