/** openBytes: every byte-shaped source as chunks, gzip detected by its magic bytes; inferFormat. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.ts';
import { GZIP_HOLD_BYTES, openBytes } from '../../src/source/byte-source.ts';
import { inferFormat } from '../../src/source/format.ts';
import { encode } from './helpers.ts';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

const text = 'id,name\n1,ünïcødé\n'.repeat(1000);

describe('openBytes', () => {
  it('reads a Uint8Array, a string, a Blob, a ReadableStream and async iterables', async () => {
    const bytes = encode(text);
    const sources = [
      bytes,
      text,
      new Blob([bytes.slice(0, 5000), bytes.slice(5000)]),
      Readable.toWeb(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)])) as ReadableStream<Uint8Array>,
      Readable.from([Buffer.from(bytes.subarray(0, 3)), Buffer.from(bytes.subarray(3))]),
      [bytes.subarray(0, 1), bytes.subarray(1)],
    ];
    for (const source of sources) {
      const opened = openBytes(source);
      expect(await collect(opened.stream)).toBe(text);
      expect(opened.gzip).toBe(false);
      expect(opened.bytesRead).toBe(bytes.length);
    }
  });

  it('detects gzip by its magic bytes, even split across chunks, and inflates it', async () => {
    const compressed = gzipSync(encode(text));
    for (const cuts of [[compressed.length], [1], [2, 10, 11]]) {
      const chunks: Uint8Array[] = [];
      let at = 0;
      for (const cut of cuts) {
        chunks.push(compressed.subarray(at, cut));
        at = cut;
      }
      chunks.push(compressed.subarray(at));
      const opened = openBytes(Readable.from(chunks.filter((c) => c.length > 0)));
      expect(await collect(opened.stream)).toBe(text);
      expect(opened.gzip).toBe(true);
      expect(opened.bytesRead).toBe(encode(text).length);
    }
  });

  it('a truncated gzip is a SourceError saying so, with the decompressed offset', async () => {
    let varied = '';
    for (let i = 0; i < 20_000; i++) varied += `${i},${(i * 7919) % 10007},${i.toString(36)}\n`;
    const compressed = gzipSync(encode(varied));
    const error = await collect(openBytes(compressed.subarray(0, compressed.length >> 1)).stream).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).reason).toBe('truncated');
    expect((error as SourceError).offset).toBeGreaterThan(0);
    expect((error as SourceError).offset).toBeLessThan(varied.length);
    expect((error as SourceError).message).toMatch(
      /^the gzip stream is truncated: it ends after \d+ decompressed bytes/,
    );
  });

  it('a bit-flipped gzip is a SourceError, and nothing of a small file is handed out before the CRC is checked', async () => {
    const compressed = new Uint8Array(gzipSync(encode(text)));
    compressed[Math.floor(compressed.length / 2)]! ^= 0x10;
    const handed: Uint8Array[] = [];
    const opened = openBytes(Readable.from([compressed.subarray(0, 100), compressed.subarray(100)]));
    const error = await (async () => {
      for await (const chunk of opened.stream) handed.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).reason).toBe('corrupt');
    expect((error as SourceError).message).toMatch(
      /^the gzip stream is corrupt after \d+ decompressed bytes/,
    );
    expect(handed).toEqual([]);
    expect(opened.bytesRead).toBe(0);
  });

  it('holds back only the last GZIP_HOLD_BYTES of a large gzip stream', async () => {
    const big = new Uint8Array(3 * GZIP_HOLD_BYTES).fill(0x61);
    const opened = openBytes(gzipSync(big));
    let before = -1;
    let total = 0;
    for await (const chunk of opened.stream) {
      if (before < 0) before = opened.bytesRead - chunk.length;
      total += chunk.length;
    }
    expect(before).toBe(0);
    expect(total).toBe(big.length);
    expect(opened.bytesRead).toBe(big.length);
  });

  it('a failing source under gzip fails with its own error, not a gzip one', async () => {
    const compressed = gzipSync(encode(text));
    const failure = new Error('disk on fire');
    async function* source() {
      yield compressed.subarray(0, 50);
      throw failure;
    }
    const error = await collect(openBytes(source()).stream).catch((e: unknown) => e);
    expect(error).toBe(failure);
  });

  it('reads concatenated gzip members', async () => {
    const twice = Buffer.concat([gzipSync(encode('a\n')), gzipSync(encode('b\n'))]);
    expect(await collect(openBytes(twice).stream)).toBe('a\nb\n');
  });

  it('reads an empty source as no chunks, and a one-byte source as is', async () => {
    expect(await collect(openBytes(new Uint8Array(0)).stream)).toBe('');
    expect(await collect(openBytes('x').stream)).toBe('x');
  });

  it('takes the strings of a Node stream set to an encoding as UTF-8', async () => {
    const stream = Readable.from([Buffer.from('é,1\n')]).setEncoding('utf8');
    expect(await collect(openBytes(stream).stream)).toBe('é,1\n');
  });

  it('close() cancels a ReadableStream, even with a read pending', async () => {
    let cancelled: unknown = null;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encode('first chunk\n'));
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    const opened = openBytes(stream);
    const iterator = opened.stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const pending = iterator.next(); // the stream never produces more
    await opened.close();
    expect(cancelled).not.toBeNull();
    expect((await pending).done).toBe(true);
    await opened.close(); // idempotent
  });

  it('close() destroys a Node stream behind a gzip pipe', async () => {
    const compressed = gzipSync(encode(text.repeat(50)));
    const source = Readable.from(
      (function* () {
        for (let at = 0; at < compressed.length; at += 1024) yield compressed.subarray(at, at + 1024);
      })(),
    );
    const opened = openBytes(source);
    for await (const chunk of opened.stream) {
      expect(chunk.length).toBeGreaterThan(0);
      break; // leaving the loop closes
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.destroyed).toBe(true);
  });

  it('leaving the loop early returns an async iterator', async () => {
    let returned = false;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        yield encode('a');
        yield encode('b');
      } finally {
        returned = true;
      }
    }
    for await (const _ of openBytes(chunks()).stream) break;
    expect(returned).toBe(true);
  });

  it('surfaces corrupt gzip as an error', async () => {
    const corrupt = gzipSync(encode(text));
    corrupt.fill(0x41, 20, 60);
    await expect(collect(openBytes(corrupt).stream)).rejects.toThrow();
  });
});

describe('inferFormat', () => {
  it('knows the extensions, with or without .gz, in any case', () => {
    expect(inferFormat('data.csv')).toBe('csv');
    expect(inferFormat('/tmp/x/DATA.CSV.GZ')).toBe('csv');
    expect(inferFormat('a.tsv')).toBe('tsv');
    expect(inferFormat('a.txt.gz')).toBe('tsv');
    expect(inferFormat('a.ndjson')).toBe('ndjson');
    expect(inferFormat('a.jsonl.gz')).toBe('ndjson');
    expect(inferFormat('a.json')).toBe('json');
    expect(inferFormat('https://host/path/a.csv.gz?sig=1#x')).toBe('csv');
  });

  it('is undefined for anything else', () => {
    for (const name of ['a.parquet', 'csv', 'a.gz', 'dir.csv/file', ''])
      expect(inferFormat(name)).toBeUndefined();
  });
});
