/**
 * Ctrl+C during `haul load`: SIGINT rolls the load back and exits 130, promptly, with nothing
 * committed; a second SIGINT exits at once. The load must still be running when the signal comes:
 * a stdin producer that never finishes, or a file big enough to take seconds, signalled as soon as
 * the server shows its COPY.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, execSql, finished, rowCount, spawnCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a COPY into `table` is running on the server (the load is under way). */
async function copyRunning(table: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await sql<{ n: number }>(
      url,
      `select count(*)::int as n from pg_stat_activity
       where query ilike 'copy %' and query like '%${table}%' and pid <> pg_backend_pid()`,
    );
    if (row!.n > 0) return;
    await sleep(50);
  }
  throw new Error(`no COPY into ${table} started within ${timeoutMs} ms`);
}

function csvRows(from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += `${i},row number ${i} with some padding text\n`;
  return text;
}

describe(`Ctrl+C during haul load on ${name}`, () => {
  let dir: string;
  const tables: string[] = [];

  async function table(label: string): Promise<string> {
    const created = uniqueTable(label);
    tables.push(created);
    await execSql(url, `create table ${created} (id int, note text)`);
    return created;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-sigint-'));
  });
  afterAll(async () => {
    if (tables.length > 0) await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('rolls back and exits 130 when stdin is still flowing', async () => {
    const target = await table('sigint_stdin');
    const child = spawnCli(['load', '-', '--table', target, '--url', url, '--no-header', '--shards', '2']);
    const done = finished(child);
    child.stdin.on('error', () => {});
    // Enough rows that shards are copying; then stdin stays open, so the load cannot finish.
    child.stdin.write(csvRows(0, 200_000));
    await copyRunning(target);
    const signalled = Date.now();
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted, rolled back');
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(await rowCount(url, target)).toBe(0);
  }, 60_000);

  it('rolls back and exits 130 during a large file load', async () => {
    const target = await table('sigint_file');
    const file = join(dir, 'large.csv');
    // About 130 MB: several seconds of loading on a small machine, far longer than we wait.
    const parts: string[] = [];
    for (let start = 0; start < 3_000_000; start += 100_000) parts.push(csvRows(start, start + 100_000));
    await writeFile(file, parts.join(''));
    const child = spawnCli(['load', file, '--table', target, '--url', url, '--no-header']);
    const done = finished(child);
    await copyRunning(target);
    child.kill('SIGINT');
    const result = await done;
    expect(result.stdout).toBe('');
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted, rolled back');
    expect(await rowCount(url, target)).toBe(0);
    const [prepared] = await sql<{ n: number }>(
      url,
      `select count(*)::int as n from pg_prepared_xacts where gid like '%${target}%'`,
    );
    expect(prepared!.n).toBe(0);
  }, 90_000);

  it('exits at once on a second Ctrl+C', async () => {
    const target = await table('sigint_twice');
    const child = spawnCli(['load', '-', '--table', target, '--url', url, '--no-header']);
    const done = finished(child);
    child.stdin.on('error', () => {});
    child.stdin.write(csvRows(0, 50_000));
    await copyRunning(target);
    // Signals that arrive together can merge into one; the second must come after the first was seen.
    const acknowledged = new Promise<void>((resolve) =>
      child.stderr.on('data', (text: string) => {
        if (text.includes('interrupting')) resolve();
      }),
    );
    child.kill('SIGINT');
    await acknowledged;
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
    // The server drops an uncommitted transaction with its connection: nothing stays behind.
    expect(await rowCount(url, target)).toBe(0);
  }, 60_000);
});
