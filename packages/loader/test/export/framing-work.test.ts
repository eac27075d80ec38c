/**
 * The work the export's row framers do per chunk, counted (no clock): the same number of chunks
 * holding N and then 4N rows each must cost the same views allocated and the same bytes scanned
 * backwards; only the quotes a CSV chunk holds are visited one by one. Per-row allocation or a
 * byte-by-byte scan for row ends shows up here as 4× the count.
 */
import { PGCOPY_HEADER, PGCOPY_TRAILER } from '@haul/protocol/copy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rowFramer } from '../../src/export/formats.ts';
import { concat } from './support.ts';

const enc = new TextEncoder();
const CHUNKS = 8;

interface Work {
  /** Views and copies made (subarray, slice). */
  views: number;
  /** Bytes lastIndexOf looked at. */
  scannedBack: number;
  /** indexOf calls. */
  searches: number;
}

/** Runs `body`, counting what it asks of Uint8Array.prototype. */
function countWork(body: () => void): Work {
  const work: Work = { views: 0, scannedBack: 0, searches: 0 };
  const proto = Uint8Array.prototype;
  const { subarray, slice, lastIndexOf, indexOf } = proto;
  vi.spyOn(proto, 'subarray').mockImplementation(function (this: Uint8Array, ...args) {
    work.views++;
    return subarray.apply(this, args);
  });
  vi.spyOn(proto, 'slice').mockImplementation(function (this: Uint8Array, ...args) {
    work.views++;
    return slice.apply(this, args);
  });
  vi.spyOn(proto, 'lastIndexOf').mockImplementation(function (this: Uint8Array, value, from) {
    const start = from ?? this.length - 1;
    const found = lastIndexOf.call(this, value, start);
    work.scannedBack += start - found;
    return found;
  });
  vi.spyOn(proto, 'indexOf').mockImplementation(function (this: Uint8Array, value, from) {
    work.searches++;
    return indexOf.call(this, value, from);
  });
  try {
    body();
  } finally {
    vi.restoreAllMocks();
  }
  return work;
}

afterEach(() => vi.restoreAllMocks());

/** CSV rows as the server writes them, a third of them with quoted fields (doubled quotes, newlines). */
function csvChunk(rows: number, first: number): Uint8Array {
  let text = '';
  for (let i = first; i < first + rows; i++) {
    text += i % 3 === 0 ? `${i},"say ""hi""\nagain",x\n` : `${i},plain text ${i},${i * 7}\n`;
  }
  return enc.encode(text);
}

/** One-field binary tuples of JSON text, as the ndjson COPY sends them. */
function jsonTuples(rows: number, first: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = first; i < first + rows; i++) {
    const json = enc.encode(`{"id":${i},"note":"row ${i}"}`);
    const tuple = new Uint8Array(6 + json.length);
    const view = new DataView(tuple.buffer);
    view.setInt16(0, 1);
    view.setInt32(2, json.length);
    tuple.set(json, 6);
    parts.push(tuple);
  }
  return concat(parts);
}

function csvWork(rowsPerChunk: number, partitions: number): Work {
  const chunks = Array.from({ length: CHUNKS }, (_, c) => csvChunk(rowsPerChunk, c * rowsPerChunk));
  const framer = rowFramer('csv', 3, partitions);
  return countWork(() => {
    for (const chunk of chunks) expect(framer.push(chunk)).toBe(chunk);
    framer.end();
  });
}

function ndjsonWork(rowsPerChunk: number): Work {
  const chunks = Array.from({ length: CHUNKS }, (_, c) => jsonTuples(rowsPerChunk, c * rowsPerChunk));
  const first = chunks[0]!;
  chunks[0] = new Uint8Array(PGCOPY_HEADER.length + first.length);
  chunks[0].set(PGCOPY_HEADER);
  chunks[0].set(first, PGCOPY_HEADER.length);
  chunks.push(PGCOPY_TRAILER.slice());
  const framer = rowFramer('ndjson', 1, 2);
  let lines = 0;
  const work = countWork(() => {
    for (const chunk of chunks) {
      const out = framer.push(chunk);
      if (out) for (let at = out.indexOf(0x0a); at >= 0; at = out.indexOf(0x0a, at + 1)) lines++;
    }
    framer.end();
  });
  expect(lines).toBe(CHUNKS * rowsPerChunk);
  return work;
}

describe('export framing work per chunk', () => {
  const N = 50;

  it('one CSV partition passes chunks through without looking at them', () => {
    for (const rows of [N, 4 * N]) {
      expect(csvWork(rows, 1)).toEqual({ views: 0, scannedBack: 0, searches: 0 });
    }
  });

  it('CSV beside other partitions: no views, and the row end found from the end of each chunk', () => {
    const small = csvWork(N, 3);
    const large = csvWork(4 * N, 3);
    expect(large.views).toBe(small.views);
    expect(large.scannedBack).toBe(small.scannedBack);
    expect(large.scannedBack).toBeLessThanOrEqual(CHUNKS);
  });

  it('ndjson: the views made per chunk do not grow with the rows in it', () => {
    const small = ndjsonWork(N);
    const large = ndjsonWork(4 * N);
    expect(large.views).toBe(small.views);
    expect(large.views).toBeLessThanOrEqual(3 * (CHUNKS + 1));
  });
});
