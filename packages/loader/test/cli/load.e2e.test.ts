/**
 * `haul load` end to end: the real CLI in a child process against a real server. Files and stdin,
 * the report in both forms, a bad row rolled back (exit 1) and set aside (exit 3), --create-table,
 * gzip, and the usage errors that stop it before it connects (exit 2).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../src/api.ts';
import { cliTarget, execSql, rowCount, runCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

const PEOPLE_CSV = 'id,name,score\n1,ada,9.5\n2,"lovelace, countess",8\n3,grace,\n';

describe(`haul load on ${name}`, () => {
  let dir: string;
  const tables: string[] = [];

  /** A fresh `(id int, name text, score float8)` table, dropped after the suite. */
  async function peopleTable(label: string): Promise<string> {
    const table = uniqueTable(label);
    tables.push(table);
    await execSql(url, `create table ${table} (id int primary key, name text, score float8)`);
    return table;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-load-'));
  });
  afterAll(async () => {
    if (tables.length > 0) await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a CSV file and prints the report', async () => {
    const table = await peopleTable('file');
    const file = join(dir, 'people.csv');
    await writeFile(file, PEOPLE_CSV);
    const result = await runCli(['load', file, '--table', table, '--url', url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`loaded 3 rows into`);
    expect(result.stdout).toMatch(/rows\/s/);
    expect(result.stdout).toMatch(/copy format\s+(raw|binary|mixed|text)/);
    // The servers here allow no prepared transactions: auto loads with one shard, and says why.
    expect(result.stdout).toMatch(/commit\s+single \(one shard, one COMMIT\)/);
    expect(result.stdout).toMatch(/shards\s+1 of 4 used: the server allows no prepared transactions/);
    expect(result.stdout).toMatch(/shard\s+rows\s+bytes/);
    expect(await sql(url, `select id, name, score from ${table} order by id`)).toEqual([
      { id: 1, name: 'ada', score: 9.5 },
      { id: 2, name: 'lovelace, countess', score: 8 },
      { id: 3, name: 'grace', score: null },
    ]);
  });

  it('--commit staged publishes through a staging table and resumes with --load-id', async () => {
    const table = await peopleTable('staged');
    const file = join(dir, 'staged.csv');
    const rows = Array.from({ length: 30 }, (_, i) => `${i + 1},p${i + 1},${i}`);
    await writeFile(file, `id,name,score\n${rows.join('\n')}\n`);
    // The stage checks the table's CHECK constraints as it COPYs: the refused row is named by its line,
    // and the batches before it stay staged.
    await execSql(url, `alter table ${table} add constraint low_score check (score < 25)`);
    const loadId = `cli-staged-${process.pid}`;
    const args = ['load', file, '--table', table, '--url', url, '--commit', 'staged', '--batch-rows', '10'];
    const failed = await runCli([...args, '--load-id', loadId]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/line 27: new row for relation .* violates check constraint "low_score"/);
    // Batches 0 and 1 come before the refused row; shards running in parallel may have staged either.
    const kept = /nothing was published(?:; (\d) staged batch(?:es)? stay for a re-run with load id)?/.exec(
      failed.stderr,
    );
    expect(kept).not.toBeNull();
    const staged = Number(kept?.[1] ?? 0);
    expect(staged).toBeLessThanOrEqual(2);
    expect(await rowCount(url, table)).toBe(0);
    await execSql(url, `alter table ${table} drop constraint low_score`);
    const result = await runCli([...args, '--load-id', loadId]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/commit\s+staged \(batches into a staging table/);
    if (staged > 0) expect(result.stdout).toMatch(new RegExp(`resumed\\s+${staged} batch`));
    expect(result.stdout).toMatch(/published\s+30 rows inserted/);
    expect(result.stdout).toMatch(/phases\s+staged in .*, published in /);
    expect(await rowCount(url, table)).toBe(30);
    // Run again (as after a client that died around its COMMIT): it says so, and moves nothing.
    const again = await runCli([...args, '--load-id', loadId]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /published\s+by an earlier run at \d{4}-\d\d-\d\dT[\d:]+Z; nothing was loaded again/,
    );
    expect(again.stdout).toMatch(/loaded 30 rows into/);
    expect(await rowCount(url, table)).toBe(30);
  });

  it('loads from stdin, with DATABASE_URL from the environment', async () => {
    const table = await peopleTable('stdin');
    const result = await runCli(['load', '-', '--table', table, '--shards', '2'], {
      input: PEOPLE_CSV,
      env: { DATABASE_URL: url },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await rowCount(url, table)).toBe(3);
  });

  it('prints the LoadReport as JSON with --json', async () => {
    const table = await peopleTable('json');
    const file = join(dir, 'json.csv');
    await writeFile(file, PEOPLE_CSV);
    const result = await runCli([
      'load',
      file,
      '-t',
      table,
      '--url',
      url,
      '--json',
      '--load-id',
      `json-${table}`,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report).toMatchObject({
      loadId: `json-${table}`,
      rows: 3,
      committed: true,
      mode: 'atomic',
      rejected: 0,
    });
    expect(report.table).toContain(table);
    expect(report.bytes).toBe(Buffer.byteLength(PEOPLE_CSV));
    expect(report.shards.reduce((sum, shard) => sum + shard.rows, 0)).toBe(3);
  });

  it('rolls back on a bad row, exits 1 and names the line', async () => {
    const table = await peopleTable('bad');
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'id,name,score\n1,ada,9.5\n2,bob,8\n3,eve,not-a-number\n4,joe,1\n');
    const result = await runCli(['load', file, '--table', table, '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/nothing was committed|rolled back/);
    expect(result.stderr).toMatch(/line 4/);
    expect(result.stderr).toContain('not-a-number');
    expect(await rowCount(url, table)).toBe(0);
  });

  it('reports a bad row as JSON too, with --json', async () => {
    const table = await peopleTable('badjson');
    const result = await runCli(['load', '-', '--table', table, '--url', url, '--json'], {
      input: 'id,name,score\n1,ada,x\n',
    });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as { error: { line?: number; rolledBack?: boolean } };
    expect(error.line).toBe(2);
    expect(error.rolledBack).toBe(true);
  });

  it('sets bad rows aside in reject mode, exits 3, and writes them to the rejects file', async () => {
    const table = await peopleTable('reject');
    const file = join(dir, 'reject.csv');
    const lines = [
      'id,name,score',
      '1,ada,9.5',
      '2,bob,oops',
      '3,"multi, field",7',
      '4,eve,12abc',
      '5,joe,2',
      '1,dup,3',
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const result = await runCli(['load', file, '--table', table, '--url', url, '--on-error', 'reject']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/rejected\s+3/);
    expect(result.stdout).toContain(`${file}.rejects.csv`);
    expect(
      (await sql<{ id: number }>(url, `select id from ${table} order by id`)).map((row) => row.id),
    ).toEqual([1, 3, 5]);

    const rejects = (await readFile(`${file}.rejects.csv`, 'utf8')).trimEnd().split('\n');
    expect(rejects[0]).toBe('line,column,sqlstate,error,text');
    const records = rejects.slice(1);
    expect(records).toHaveLength(3);
    // The line number is the first field, the original line (quoted, as it holds commas) the last.
    expect(records.find((record) => record.startsWith('3,'))).toMatch(/,"2,bob,oops"$/);
    expect(records.find((record) => record.startsWith('5,'))).toMatch(/,"4,eve,12abc"$/);
    // The duplicate key is refused by the server, which says why with a SQLSTATE.
    expect(records.find((record) => record.startsWith('7,'))).toMatch(/^7,[^,]*,23505,.*,"1,dup,3"$/);
  });

  it('writes rejects where --rejects says', async () => {
    const table = await peopleTable('rejectpath');
    const rejectsPath = join(dir, 'elsewhere.csv');
    const result = await runCli(['load', '-', '--table', table, '--url', url, '--rejects', rejectsPath], {
      input: 'id,name,score\n1,a,1\n2,b,bad\n',
    });
    expect(result.code).toBe(3);
    const text = await readFile(rejectsPath, 'utf8');
    expect(text.split('\n')[1]).toMatch(/^3,.*,"2,b,bad"$/);
  });

  it('creates the table with --create-table', async () => {
    const table = uniqueTable('create');
    tables.push(table);
    const file = join(dir, 'create.csv');
    await writeFile(file, 'id,label,amount,active\n1,a,1.5,true\n2,b,2.25,false\n3,c,,true\n');
    const result = await runCli(['load', file, '--table', table, '--url', url, '--create-table', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report.createdTable).toMatch(/create table/i);
    expect(await rowCount(url, table)).toBe(3);
    const [row] = await sql<{ label: string }>(url, `select label from ${table} where id = 2`);
    expect(row?.label).toBe('b');
  });

  it('--create-table: a failed load leaves no table (exit 1), blank and repeated names load, a missing schema exits 2', async () => {
    const table = uniqueTable('create_fail');
    tables.push(table);
    const file = join(dir, 'create-fail.csv');
    const rows = Array.from({ length: 1500 }, (_, i) => `${i === 1200 ? 'x' : i},a,b`);
    await writeFile(file, `id,,dup\n${rows.join('\n')}\n`);
    const failed = await runCli(['load', file, '--table', table, '--url', url, '--create-table', '--json']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('was dropped again');
    const body = JSON.parse(failed.stdout) as {
      error: { rolledBack: boolean; createdTable?: { dropped: boolean } };
    };
    expect(body.error).toMatchObject({ rolledBack: true, createdTable: { dropped: true } });
    expect(await sql(url, `select to_regclass('${table}') as t`)).toEqual([{ t: null }]);
    // The same header with good rows: created (col2, dup) and loaded.
    await writeFile(
      file,
      `id,,dup,dup\n${rows.map((row, i) => `${row.replace('x', '1200')},${i}`).join('\n')}\n`,
    );
    const ok = await runCli(['load', file, '--table', table, '--url', url, '--create-table', '--quiet']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(
      await sql(
        url,
        `select count(distinct id)::int as n, count(col2)::int as c, count(dup_2)::int as d from ${table}`,
      ),
    ).toEqual([{ n: 1500, c: 1500, d: 1500 }]);
    const missing = await runCli([
      'load',
      file,
      '--table',
      'nosuch_schema_x.t',
      '--url',
      url,
      '--create-table',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('schema "nosuch_schema_x" does not exist');
  });

  it('loads a gzip file', async () => {
    const table = await peopleTable('gzip');
    const file = join(dir, 'people.csv.gz');
    await writeFile(file, gzipSync(PEOPLE_CSV));
    const result = await runCli(['load', file, '--table', table, '--url', url, '--quiet']);
    expect(result.code).toBe(0);
    expect(await rowCount(url, table)).toBe(3);
  });

  it('loads NDJSON from stdin with --format ndjson', async () => {
    const table = await peopleTable('ndjson');
    const input = '{"id":1,"name":"a","score":1}\n{"id":2,"name":"b","score":null}\n';
    const result = await runCli(['load', '-', '--table', table, '--url', url, '--format', 'ndjson'], {
      input,
    });
    expect(result.code).toBe(0);
    expect(await rowCount(url, table)).toBe(2);
  });

  it('exits 2 with a clear message when there is no database URL', async () => {
    const result = await runCli(['load', '-', '--table', 'whatever'], { input: PEOPLE_CSV });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--url .*DATABASE_URL/);
  });

  it('exits 2 for a missing file, an unknown table and a bad flag', async () => {
    const missing = await runCli(['load', join(dir, 'nope.csv'), '--table', 't', '--url', url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);

    const unknownTable = await runCli(['load', '-', '--table', uniqueTable('absent'), '--url', url], {
      input: PEOPLE_CSV,
    });
    expect(unknownTable.code).toBe(2);
    expect(unknownTable.stderr).toMatch(/absent/);

    const badFlag = await runCli(['load', '-', '--table', 't', '--shards', 'lots']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--shards');
  });

  it('prints help for each command', async () => {
    for (const command of ['load', 'export', 'recover']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: haul ${command}`);
    }
  });
});
