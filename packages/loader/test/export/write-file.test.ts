/**
 * writeFileFrom, the CLI's way of putting an export into a file: every chunk lands in order and whole
 * (a short write is continued), the file is truncated first, and a file that cannot be opened or
 * written cancels the source (which is what stops an export's COPYs) and throws the file's error.
 * The source here is a plain ReadableStream: what reaches the file is the point, not the server.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileFrom } from '../../src/node-export.ts';

interface Source {
  stream: ReadableStream<Uint8Array>;
  /** Chunks pulled so far. */
  pulled: () => number;
  /** The reason the consumer cancelled with, or undefined. */
  cancelled: () => unknown;
}

function source(chunks: readonly Uint8Array[]): Source {
  let next = 0;
  let reason: unknown;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[next++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      cancel(why) {
        reason = why ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => next, cancelled: () => reason };
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('writeFileFrom', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-write-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every chunk in order, truncating what the file held', async () => {
    const path = join(dir, 'out.bin');
    await writeFile(path, bytes(500_000, 9));
    const chunks = [bytes(65_536, 1), bytes(1, 2), new Uint8Array(0), bytes(200_000, 3).subarray(7, 150_007)];
    const written = await writeFileFrom(source(chunks).stream, path);
    const expected = Buffer.concat(chunks);
    expect(written).toBe(expected.length);
    expect(Buffer.compare(await readFile(path), expected)).toBe(0);
  });

  it('a file that cannot be opened cancels the source before anything is pulled', async () => {
    const src = source([bytes(10, 1)]);
    await expect(writeFileFrom(src.stream, join(dir, 'missing', 'out.bin'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(src.pulled()).toBe(0);
    expect(src.cancelled()).toMatchObject({ code: 'ENOENT' });
  });

  it.runIf(process.platform === 'linux')(
    'a failed write (a full disk) cancels the source and throws',
    async () => {
      const src = source([bytes(4096, 1), bytes(4096, 2), bytes(4096, 3)]);
      await expect(writeFileFrom(src.stream, '/dev/full')).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(src.pulled()).toBe(1);
      expect(src.cancelled()).toMatchObject({ code: 'ENOSPC' });
    },
  );
});
