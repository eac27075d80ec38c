/**
 * A slow COPY TO consumer gets exactly the server's bytes: chunks that stopped gathering while still
 * queued are handed out at their filled length, never with the unfilled (zero) tail of their buffer.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';

describe.each(databaseTargets())('$name', ({ url }) => {
  it('a reader slower than the socket sees every row once and no padding', async () => {
    const db = await connect(url);
    try {
      const out = db.copyOut(
        `copy (select g, repeat('x', g % 50) from generate_series(1, 100000) g) to stdout`,
      );
      const parts: Uint8Array[] = [];
      for await (const chunk of out) {
        parts.push(chunk.slice());
        // Let several 64 KiB gather buffers queue up behind this one.
        if (parts.length % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const bytes = Buffer.concat(parts);
      expect(bytes.includes(0)).toBe(false);
      const lines = bytes.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.length).toBe(100_000);
      expect(lines[99_999]).toBe(`100000\t${'x'.repeat(100_000 % 50)}`);
      expect((await out.result).rowCount).toBe(100_000);
    } finally {
      await db.close();
    }
  });
});
