/**
 * copyFormat 'mixed' (dealer.ts): one binary shard and raw shards in one load, each batch going one
 * way or the other. What lands is what the server's own COPY of the same bytes stores, and a bad row
 * is refused (abort) or set aside (reject) with its source line whichever path it took. The paths are
 * certain here: the first batch is read before there are shards and goes binary; the second goes raw,
 * because a raw shard can still open then.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { badRowOf } from '../support/load-failure.ts';

/** Chunks (and parser batches) of 1 KiB: dozens of batches, so the dealer chooses many times. */
const CHUNK = 1024;
const ROWS = 2000;
const COLUMNS = '(id int, note text, n int8, at timestamptz, ok bool, ref uuid, x float8)';

/** Row i with the CSV that both paths must read alike: NULLs, quotes, embedded line breaks, UTF-8. */
function row(i: number): string {
  const notes = ['', `"two\nlines ${i}"`, `"a ""quoted"", comma"`, `naïve café ${i} — ✓`, `note ${i}`];
  const uuid = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 61_000).toISOString();
  return `${i},${notes[i % notes.length]},${i % 7 === 0 ? '' : i * 1000},${at},${i % 3 === 0},${uuid},${i / 8}`;
}

interface File {
  text: string;
  /** Source line of each bad row. */
  badLines: number[];
}

/**
 * The file, with `bad` rows (by 1-based row number) whose id is not an integer. Its line is counted as
 * the server counts: the header is line 1, a quoted line break adds one.
 */
function file(bad: readonly number[]): File {
  let text = 'id,note,n,at,ok,ref,x\n';
  let line = 2;
  const badLines: number[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const good = row(i);
    const out = bad.includes(i) ? good.replace(/^\d+/, 'oops') : good;
    if (bad.includes(i)) badLines.push(line);
    text += `${out}\n`;
    line += 1 + (out.match(/\n/g)?.length ?? 0);
  }
  return { text, badLines };
}

/** The first row starting past 1.5 chunks of the file: inside its second batch, which goes raw. */
function secondBatchRow(): number {
  let offset = 'id,note,n,at,ok,ref,x\n'.length;
  for (let i = 1; i <= ROWS; i++) {
    if (offset > CHUNK * 1.5) return i;
    offset += new TextEncoder().encode(`${row(i)}\n`).length;
  }
  throw new Error('the file is shorter than two chunks');
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let oracleConn: Connection;
  beforeAll(async () => {
    admin = adminClient(url);
    oracleConn = await connect(url);
  });
  afterAll(async () => {
    await admin.end();
    await oracleConn.close();
  });

  async function table(): Promise<string> {
    const name = uniqueName('mixed');
    await admin.unsafe(`create table ${name} ${COLUMNS}`);
    return name;
  }

  /** The server's own COPY of `text` into a new table: what a load must store. */
  async function oracle(text: string): Promise<string> {
    const name = await table();
    await oracleConn.copyIn(`copy ${name} from stdin (format csv, header)`, [new TextEncoder().encode(text)]);
    return name;
  }

  async function differing(a: string, b: string): Promise<number> {
    return scalar(
      admin,
      `select count(*)::int from ((table ${a} except all table ${b}) union all (table ${b} except all table ${a})) d`,
    );
  }

  const mixed = (name: string, text: string) => ({
    ...via(url),
    table: name,
    source: text,
    format: 'csv' as const,
    copyFormat: 'mixed' as const,
    shards: 3,
    // The servers here allow no prepared transactions: several shards only through the barrier.
    commit: 'barrier' as const,
    chunkBytes: CHUNK,
  });

  it('stores what the server stores from the same bytes, over binary and raw shards', async () => {
    const { text } = file([]);
    const [target, expected] = [await table(), await oracle(text)];
    const report = await load(mixed(target, text));
    expect(report).toMatchObject({ copyFormat: 'mixed', rows: ROWS, rejected: 0 });
    // The binary shard (the first batch's) and at least one raw shard carried rows.
    expect(report.shards.filter((shard) => shard.rows > 0).length).toBeGreaterThanOrEqual(2);
    expect(await differing(target, expected)).toBe(0);
  });

  it.each([
    { path: 'binary (first batch, found by the converter)', bad: 3 },
    { path: 'raw (second batch, found by the server)', bad: secondBatchRow() },
  ])('onError abort: a bad row on the $path path fails the load at its line', async ({ bad }) => {
    const { text, badLines } = file([bad]);
    const name = await table();
    const error = await badRowOf(load(mixed(name, text)));
    // The converter's error carries no SQLSTATE (it is not the server's); the message is the same.
    expect(error).toMatchObject({ line: badLines[0] });
    expect(error.message).toContain('invalid input syntax for type integer: "oops"');
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
  });

  it('onError reject: a bad row on each path is set aside, the rest stored as the server stores them', async () => {
    const bad = [3, secondBatchRow(), ROWS - 5];
    const { text, badLines } = file(bad);
    const good = file([]).text.split('\n');
    // The same file without the bad rows, for the oracle (each bad row is one line: no line break).
    const withoutBad = good.filter((lineText) => !bad.some((i) => lineText.startsWith(`${i},`))).join('\n');
    const [target, expected] = [await table(), await oracle(withoutBad)];
    const rejected: RejectedRow[] = [];
    const report = await load({
      ...mixed(target, text),
      onError: 'reject',
      onReject: (rejectedRow) => {
        rejected.push(rejectedRow);
      },
    });
    expect(report).toMatchObject({ copyFormat: 'mixed', rows: ROWS - bad.length, rejected: bad.length });
    expect(rejected.map((r) => r.line).sort((a, b) => a - b)).toEqual(badLines);
    for (const r of rejected) expect(r.error).toContain('invalid input syntax for type integer');
    expect(rejected.every((r) => r.text.startsWith('oops,'))).toBe(true);
    expect(await differing(target, expected)).toBe(0);
  });

  it('TSV (fields always found, the choice made as each batch is encoded): what the server stores', async () => {
    let text = 'id\tnote\tn\n';
    for (let i = 1; i <= ROWS; i++) text += `${i}\t${i % 4 === 0 ? '\\N' : `tab\\there ${i}`}\t${i}\n`;
    const name = uniqueName('mixed_tsv');
    const expected = uniqueName('mixed_tsv');
    await admin.unsafe(`create table ${name} (id int, note text, n int8)`);
    await admin.unsafe(`create table ${expected} (id int, note text, n int8)`);
    await oracleConn.copyIn(`copy ${expected} from stdin (format text, header)`, [
      new TextEncoder().encode(text),
    ]);
    const report = await load({ ...mixed(name, text), format: 'tsv' });
    expect(report).toMatchObject({ copyFormat: 'mixed', rows: ROWS });
    expect(report.shards.filter((shard) => shard.rows > 0).length).toBeGreaterThanOrEqual(2);
    expect(await differing(name, expected)).toBe(0);
  });

  it("is what copyFormat 'auto' picks for several shards", async () => {
    const name = await table();
    const report = await load({
      ...via(url),
      table: name,
      source: file([]).text,
      format: 'csv',
      commit: 'barrier',
      chunkBytes: CHUNK,
    });
    expect(report).toMatchObject({ copyFormat: 'mixed', rows: ROWS, commit: 'barrier' });
  });

  it("is not what one shard gets: 'auto' on a server without prepared transactions", async () => {
    const name = await table();
    const report = await load({ ...via(url), table: name, source: file([]).text, format: 'csv' });
    expect(report).toMatchObject({ copyFormat: 'binary', rows: ROWS, commit: 'single' });
    expect(report.shards.length).toBe(1);
    expect(report.shardsReason).toMatch(/max_prepared_transactions = 0/);
  });

  it('is refused where it cannot be: batches mode', async () => {
    const name = await table();
    await expect(load({ ...mixed(name, file([]).text), mode: 'batches', commit: 'auto' })).rejects.toThrow(
      "copyFormat 'mixed' is not possible in mode 'batches'",
    );
  });
});
