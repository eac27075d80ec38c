/**
 * `haul load` of JSON sources end to end (the real CLI in a child process): keys the first object
 * lacks, unknown keys (exit 1, nothing committed; or exit 3 with the rejects file), numbers to the
 * last digit, an unpaired surrogate escape, and a truncated gzip file that says gzip.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, execSql, rowCount, runCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

describe(`haul load (JSON) on ${name}`, () => {
  let dir: string;
  const tables: string[] = [];

  async function table(label: string, columns: string): Promise<string> {
    const created = uniqueTable(label);
    tables.push(created);
    await execSql(url, `create table ${created} (${columns})`);
    return created;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-json-'));
  });
  afterAll(async () => {
    if (tables.length > 0) await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a key the first object lacks', async () => {
    const target = await table('sparse', 'id int, v text');
    const result = await runCli(['load', '-', '-t', target, '--url', url, '--format', 'ndjson'], {
      input: '{"id":1}\n{"id":2,"v":"hello"}\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await sql(url, `select id, v from ${target} order by id`)).toEqual([
      { id: 1, v: null },
      { id: 2, v: 'hello' },
    ]);
  });

  it('an unknown key: exit 1 naming key and line with nothing committed, or exit 3 with the row in the rejects file', async () => {
    const target = await table('unknown', 'id int, v text');
    const file = join(dir, 'unknown.ndjson');
    await writeFile(file, '{"id":1,"v":"a"}\n{"id":2,"typo":"b"}\n{"id":3,"v":"c"}\n');
    const aborted = await runCli(['load', file, '-t', target, '--url', url]);
    expect(aborted.code).toBe(1);
    expect(aborted.stderr).toMatch(/line 2: key "typo"/);
    expect(await rowCount(url, target)).toBe(0);

    const rejected = await runCli(['load', file, '-t', target, '--url', url, '--on-error', 'reject']);
    expect(rejected.code).toBe(3);
    expect((await sql<{ id: number }>(url, `select id from ${target} order by id`)).map((r) => r.id)).toEqual(
      [1, 3],
    );
    const rejects = (await readFile(`${file}.rejects.csv`, 'utf8')).trimEnd().split('\n');
    expect(rejects).toHaveLength(2);
    expect(rejects[1]).toMatch(/^2,.*"\{""id"":2,""typo"":""b""\}"$/);
  });

  it('keeps every digit of a number into jsonb, numeric and int8', async () => {
    const target = await table('numbers', 'id int, j jsonb, n numeric, i int8');
    const result = await runCli(['load', '-', '-t', target, '--url', url, '--format', 'ndjson'], {
      input: '{"id":1,"j":{"big":9007199254740993,"inf":1e999},"n":1e999,"i":9007199254740993}\n',
    });
    expect(result.code).toBe(0);
    const [row] = await sql<Record<string, string>>(
      url,
      `select (j->'big')::text as big, n = 1e999 as inf, i::text from ${target}`,
    );
    expect(row).toEqual({ big: '9007199254740993', inf: true, i: '9007199254740993' });
  });

  it('an unpaired surrogate escape fails the load (exit 1), naming the line', async () => {
    const target = await table('surrogate', 'id int, t text');
    const result = await runCli(['load', '-', '-t', target, '--url', url, '--format', 'ndjson'], {
      input: '{"id":1,"t":"a"}\n{"id":2,"t":"\\ud800"}\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /line 2, character 14: invalid input syntax for type json: Unicode low surrogate/,
    );
    expect(await rowCount(url, target)).toBe(0);
  });

  it('a truncated gzip file fails with a message that says gzip (exit 1), nothing committed', async () => {
    const target = await table('gzip_cut', 'id int, v text');
    let text = '';
    for (let i = 0; i < 50_000; i++) text += `{"id":${i},"v":"v${(i * 7919) % 10007}"}\n`;
    const gz = gzipSync(text);
    const file = join(dir, 'cut.ndjson.gz');
    await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const result = await runCli(['load', file, '-t', target, '--url', url, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the gzip stream is truncated: it ends after \d+ decompressed bytes/);
    expect(await rowCount(url, target)).toBe(0);
  });
});
