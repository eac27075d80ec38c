/**
 * Aborting a COPY FROM STDIN whose source hands over chunks larger than one message: the CopyFail
 * must land between CopyData messages, never inside one, or the server waits for the rest of a
 * message that never comes and only the cancel grace period ends it.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import { frameChunks } from '../src/copy/copy-in.ts';

describe('frameChunks', () => {
  it('yields every CopyData message as one complete array, small and large chunks alike', async () => {
    const sizes = [10, 200_000, 3, 70_000, 65_536, 1];
    async function* source() {
      for (const size of sizes) yield new Uint8Array(size).fill(7);
    }
    let payload = 0;
    for await (const message of frameChunks(source())) {
      expect(message[0]).toBe(0x64);
      const length = new DataView(message.buffer, message.byteOffset).getInt32(1);
      expect(message.length).toBe(length + 1);
      payload += length - 4;
    }
    expect(payload).toBe(sizes.reduce((a, b) => a + b, 0));
  });
});

describe.each(databaseTargets())('$name', ({ url }) => {
  it('CopyFail goes out promptly after large chunks and the connection stays usable', {
    timeout: 10_000,
  }, async () => {
    const db = await connect({ url, cancelGrace: 60_000 });
    try {
      await db.exec('create temp table big_abort (t text)');
      const controller = new AbortController();
      const line = new TextEncoder().encode(`${'y'.repeat(1023)}\n`);
      const chunk = new Uint8Array(line.length * 1024);
      for (let i = 0; i < 1024; i++) chunk.set(line, i * line.length);
      async function* source() {
        for (let i = 0; ; i++) {
          if (i === 3) controller.abort(new Error('stop after three chunks'));
          yield chunk;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
      const error = await db
        .copyIn('copy big_abort from stdin', source(), { signal: controller.signal })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect((error as Error).name).toBe('AbortError');
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from big_abort');
      expect(rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
