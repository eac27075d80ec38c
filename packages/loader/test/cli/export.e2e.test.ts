/**
 * `haul export` end to end: a table out to a file and back in through `haul load` (whole and in
 * partitions), NDJSON to stdout, and a reader that leaves early (EPIPE) as a clean exit.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, execSql, finished, runCli, spawnCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

const COLUMNS = 'id int8 primary key, name text, score float8, at timestamptz, active bool, note text';
const ROWS = 20_000;

describe(`haul export on ${name}`, () => {
  let dir: string;
  const source = uniqueTable('export_src');
  const tables: string[] = [source];

  /** Rows whose text has what CSV must quote: commas, quotes, newlines, and NULLs. */
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-export-'));
    await execSql(
      url,
      `create table ${source} (${COLUMNS});
       insert into ${source}
       select i, 'name ' || i, i * 0.25, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute',
              i % 2 = 0,
              case i % 4 when 0 then null when 1 then 'a, "quoted"' || chr(10) || 'note' else 'plain ' || i end
       from generate_series(1, ${ROWS}) as i`,
    );
  });
  afterAll(async () => {
    await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  /** Rows in one table and not the other, both ways: 0 means the same rows. */
  async function difference(a: string, b: string): Promise<number> {
    const [row] = await sql<{ n: number }>(
      url,
      `select ((select count(*) from (table ${a} except all table ${b}) x) +
               (select count(*) from (table ${b} except all table ${a}) y))::int as n`,
    );
    return row!.n;
  }

  it.each([
    ['whole', []],
    ['in 3 partitions', ['--partition-on', 'id', '--partitions', '3']],
  ])('round-trips a table through a CSV file (%s)', async (label, flags) => {
    const file = join(dir, `${label.replaceAll(' ', '-')}.csv`);
    const exported = await runCli(['export', source, '--url', url, '-o', file, ...flags]);
    expect(exported.stderr).toMatch(/exported .* to /);
    expect(exported.code).toBe(0);
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('id,name,score,at,active,note');

    const copy = uniqueTable('export_copy');
    tables.push(copy);
    await execSql(url, `create table ${copy} (${COLUMNS})`);
    const loaded = await runCli(['load', file, '--table', copy, '--url', url, '--quiet']);
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);
    expect(await difference(source, copy)).toBe(0);
  });

  it('writes NDJSON of a query to stdout', async () => {
    const result = await runCli([
      'export',
      '--query',
      `select id, name from ${source} where id <= 3 order by id`,
      '--format',
      'ndjson',
      '--url',
      url,
    ]);
    expect(result.code).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: unknown; name: string });
    expect(rows.map((row) => row.name)).toEqual(['name 1', 'name 2', 'name 3']);
  });

  it('exits 0 when the reader closes the pipe early', async () => {
    const child = spawnCli(['export', source, '--url', url]);
    const done = finished(child);
    // Like `| head -1`: take the first bytes, then close our end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const result = await done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 2 naming the problem for a bad flag', async () => {
    // --partitions without --partition-on is valid now (block ranges); an unknown flag is not.
    const result = await runCli(['export', source, '--partition-by-nothing', '--url', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--partition-by-nothing');
  });
});
