/**
 * Reject mode's server side (reject-copy.ts) against a real server, with the work it does counted:
 * rows sent and COPYs run for a chunk of N rows and of 4N rows. All-bad input used to resend the rest
 * of the chunk after every refusal (N²/2 rows sent); it must stay linear. Then `maxRejects` and the
 * rejects being streamed through `load()`.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { LoadFailedError, RejectLimitError } from '../../src/errors.ts';
import type { EncodedChunk } from '../../src/load/chunk.ts';
import { load } from '../../src/load/load.ts';
import { copyChunkWithRejects, type RejectCopyStats } from '../../src/load/reject-copy.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';

/** A COPY-text chunk of one int column: `bad(i)` rows are not integers. */
function textChunk(rows: number, bad: (i: number) => boolean): EncodedChunk {
  const encoder = new TextEncoder();
  const lines = Array.from({ length: rows }, (_, i) => (bad(i) ? `bad${i}\n` : `${i}\n`));
  const data = encoder.encode(lines.join(''));
  const rowEnd = new Int32Array(rows);
  let at = 0;
  lines.forEach((text, i) => {
    at += text.length;
    rowEnd[i] = at;
  });
  return {
    seq: 0,
    data,
    rows,
    rowEnd,
    rowLine: Float64Array.from({ length: rows }, (_, i) => i + 1),
    firstRow: 0,
    sourceStart: 0,
    sourceEnd: data.length,
  };
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let conn: Connection;
  beforeAll(async () => {
    admin = adminClient(url);
    conn = await connect(url);
  });
  afterAll(async () => {
    await conn.close();
    await admin.end();
  });

  async function run(rows: number, bad: (i: number) => boolean) {
    const name = uniqueName('reject_copy');
    await admin.unsafe(`create table ${name} (n int)`);
    const stats: RejectCopyStats = { copies: 0, rowsSent: 0 };
    const rejected: number[] = [];
    await conn.exec('begin');
    const loaded = await copyChunkWithRejects(
      {
        conn,
        sql: `copy ${name} (n) from stdin`,
        format: 'text',
        signal: new AbortController().signal,
        reject: async (_chunk, row, error) => {
          expect(error.line).toBe(row + 1);
          rejected.push(row);
        },
      },
      textChunk(rows, bad),
      stats,
    );
    await conn.exec('commit');
    const stored = await scalar(admin, `select count(*)::int from ${name}`);
    await admin.unsafe(`drop table ${name}`);
    return { loaded, stored, rejected, stats };
  }

  it('an all-bad chunk costs one short COPY per row, linear from N to 4N rows', async () => {
    const small = await run(500, () => true);
    const large = await run(2000, () => true);
    expect(small.rejected).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(large.rejected.length).toBe(2000);
    expect(small.loaded + large.loaded + small.stored + large.stored).toBe(0);
    // One COPY per bad row plus the halvings down to a window of one (log2 N).
    expect(small.stats.copies).toBeLessThanOrEqual(500 + 10);
    expect(small.stats.rowsSent).toBeLessThanOrEqual(3 * 500);
    expect(large.stats.rowsSent).toBeLessThanOrEqual(3 * 2000);
    expect(large.stats.rowsSent / small.stats.rowsSent).toBeLessThan(4.5);
  });

  it('a chunk with one bad row in ten sends each good row a bounded number of times and keeps all of them', async () => {
    const bad = (i: number) => i % 10 === 3;
    const small = await run(1000, bad);
    const large = await run(4000, bad);
    expect(small.rejected.length).toBe(100);
    expect(large.rejected.length).toBe(400);
    expect(small).toMatchObject({ loaded: 900, stored: 900 });
    expect(large).toMatchObject({ loaded: 3600, stored: 3600 });
    expect(small.stats.rowsSent).toBeLessThanOrEqual(4 * 1000);
    expect(large.stats.rowsSent / small.stats.rowsSent).toBeLessThan(4.5);
  });

  it('a clean chunk is one COPY', async () => {
    const clean = await run(3000, () => false);
    expect(clean).toMatchObject({ loaded: 3000, stored: 3000, rejected: [] });
    expect(clean.stats).toEqual({ copies: 1, rowsSent: 3000 });
  });

  describe.each(['raw', 'binary'] as const)('load() with copyFormat %s', (copyFormat) => {
    it('maxRejects: one reject past the limit fails the load and nothing is committed', async () => {
      const name = uniqueName('max_rejects');
      await admin.unsafe(`create table ${name} (id int, n int)`);
      let csv = 'id,n\n';
      for (let i = 1; i <= 1000; i++) csv += `${i},${i % 100 === 0 ? 'bad' : i}\n`;
      const seen: RejectedRow[] = [];
      const failed = await load({
        ...via(url),
        table: name,
        source: csv,
        format: 'csv',
        copyFormat: copyFormat === 'raw' ? 'auto' : copyFormat,
        onError: 'reject',
        maxRejects: 5,
        onReject: (row) => {
          seen.push(row);
        },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(LoadFailedError);
      expect((failed as LoadFailedError).rolledBack).toBe(true);
      expect((failed as LoadFailedError).cause).toBeInstanceOf(RejectLimitError);
      expect((failed as LoadFailedError).cause).toMatchObject({ limit: 5, line: 601 });
      expect(seen.map((r) => r.line)).toEqual([101, 201, 301, 401, 501]);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);

      // At the limit exactly, the load commits.
      const report = await load({
        ...via(url),
        table: name,
        source: csv,
        format: 'csv',
        copyFormat: copyFormat === 'raw' ? 'auto' : copyFormat,
        onError: 'reject',
        maxRejects: 10,
      });
      expect(report).toMatchObject({ rows: 990, rejected: 10 });
    });
  });
});
