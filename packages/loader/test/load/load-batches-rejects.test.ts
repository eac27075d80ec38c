/**
 * Batches mode (commit every N rows, resumable exactly once by load id) and onError 'reject' (bad
 * rows set aside with their source lines, every good row loaded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import {
  type Admin,
  adminClient,
  scalar,
  slowCsv,
  terminateCopyingBackend,
  uniqueName,
  via,
} from '../support/database.ts';

const HEADER = 'id,label,amount';
const line = (i: number) => `${i},"label ${i}",${i % 1000}`;

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  it('batches mode: killed mid-load, re-run with the same load id → every row exactly once', async () => {
    const name = uniqueName('load_batches');
    await admin.unsafe(`create table ${name} (id int primary key, label text, amount int)`);
    const rows = 60_000;
    const loadId = uniqueName('resume');
    const app = uniqueName('batches');
    let killed = false;
    const first = await load({
      ...via(url, app),
      table: name,
      source: slowCsv(HEADER, rows, line, { piece: 1000, pauseMs: 3 }),
      format: 'csv',
      mode: 'batches',
      batchRows: 5000,
      loadId,
      shards: 2,
      chunkBytes: 16 * 1024,
      progressInterval: 20,
      onProgress: (event) => {
        if (!killed && event.rows > 22_000) {
          killed = true;
          void terminateCopyingBackend(admin, app);
        }
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(killed).toBe(true);
    expect(first).toBeInstanceOf(LoadFailedError);
    const partial = await scalar(admin, `select count(*)::int as partial from ${name}`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rows);
    expect(partial % 5000).toBe(0);

    const second = await load({
      ...via(url),
      table: name,
      source: slowCsv(HEADER, rows, line, { piece: 5000 }),
      format: 'csv',
      mode: 'batches',
      batchRows: 5000,
      loadId,
      shards: 2,
      chunkBytes: 16 * 1024,
    });
    expect(second.resumedBatches).toBe(partial / 5000);
    expect(second.rows).toBe(rows);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(rows);
    expect(await scalar(admin, `select count(distinct id)::int from ${name}`)).toBe(rows);
    const ledger = await admin.unsafe<{ batches: number }[]>(
      `select count(*)::int as batches from haul_load_batches where load_id = $1`,
      [loadId],
    );
    expect(ledger[0]!.batches).toBe(rows / 5000);
  });

  it('a header never costs a row in batches mode', async () => {
    const name = uniqueName('load_header');
    await admin.unsafe(`create table ${name} (id int primary key, label text, amount int)`);
    let text = `${HEADER}\n`;
    for (let i = 1; i <= 1000; i++) text += `${line(i)}\n`;
    const report = await load({
      ...via(url),
      table: name,
      source: text,
      format: 'csv',
      mode: 'batches',
      batchRows: 7,
      shards: 3,
    });
    expect(report.rows).toBe(1000);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(1000);
    expect(await scalar(admin, `select min(id)::int from ${name}`)).toBe(1);
  });

  it('reject mode: bad rows land with their lines, every good row loads', async () => {
    const name = uniqueName('load_rejects');
    await admin.unsafe(
      `create table ${name} (id int primary key, label text, amount int check (amount >= 0))`,
    );
    const lines = [HEADER];
    for (let i = 1; i <= 5000; i++) {
      if (i === 10)
        lines.push(`${i},"bad int",12x`); // refused before sending
      else if (i === 1234)
        lines.push(`${i},"negative",-5`); // check constraint, server side
      else if (i === 4000)
        lines.push(`3999,"duplicate",1`); // unique violation, server side
      else if (i === 4500)
        lines.push(`${i},"short"`); // wrong field count
      else lines.push(line(i));
    }
    const rejected: RejectedRow[] = [];
    const report = await load({
      ...via(url),
      table: name,
      source: `${lines.join('\r\n')}\r\n`,
      format: 'csv',
      onError: 'reject',
      // One shard: a duplicate key across two shards is a lock wait (see the next test), not 23505.
      shards: 1,
      chunkBytes: 8 * 1024,
      onReject: (row) => {
        rejected.push(row);
      },
    });
    expect(report.rejected).toBe(4);
    expect(report.rows).toBe(4996);
    const byLine = rejected.sort((a, b) => a.line - b.line);
    expect(byLine.map((row) => row.line)).toEqual([11, 1235, 4001, 4501]);
    expect(byLine[0]).toMatchObject({ column: 'amount', text: '10,"bad int",12x' });
    expect(byLine[1]).toMatchObject({ sqlstate: '23514', text: '1234,"negative",-5' });
    expect(byLine[2]).toMatchObject({ sqlstate: '23505', text: '3999,"duplicate",1' });
    expect(byLine[3]!.error).toMatch(/expected 3 fields, found 2/);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(4996);
  });

  it('a unique key duplicated across two shards fails on lock_timeout instead of waiting forever', async () => {
    const name = uniqueName('load_cross_dup');
    await admin.unsafe(`create table ${name} (id int primary key, label text, amount int)`);
    const lines = [HEADER];
    for (let i = 1; i <= 4000; i++) lines.push(line(i));
    lines.push(line(1)); // lands in the last chunk, dealt to the other shard than row 1's
    const started = Date.now();
    const error = await load({
      ...via(url),
      table: name,
      source: `${lines.join('\n')}\n`,
      format: 'csv',
      shards: 2,
      chunkBytes: 4 * 1024,
      lockTimeout: 300,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    expect(['55P03', '23505']).toContain(
      ((error as LoadFailedError).cause as { sqlstate?: string }).sqlstate,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
  });
});
