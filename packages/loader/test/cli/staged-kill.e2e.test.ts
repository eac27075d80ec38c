/**
 * `haul load --commit staged` killed with SIGKILL (no handler runs, nothing is cleaned up): after some
 * batches are staged, and while its publish transaction waits for a lock. Either way the target has
 * none of the load, and a re-run with the same load id finishes with exactly the file's rows, each once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../src/api.ts';
import { cliTarget, execSql, finished, runCli, spawnCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();
const ROWS = 200_000;
/** The run lock's first key (staged-load.ts RUN_LOCK): "hs" + 1. */
const RUN_LOCK = 0x68730001;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The killed run's backends are gone once its load id's run lock can be taken (then let go). */
async function runLockFree(loadId: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }>(
    url,
    `select pg_try_advisory_lock(${RUN_LOCK}, hashtext('${loadId}')) as ok`,
  );
  // One connection per sql() call: the lock, if taken, goes with it.
  return row!.ok;
}

describe(`haul load --commit staged killed with SIGKILL on ${name}`, () => {
  let dir: string;
  let file: string;
  const tables: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-kill-'));
    file = join(dir, 'rows.csv');
    let text = 'id,note\n';
    for (let i = 1; i <= ROWS; i++) text += `${i},row ${i} with a little padding to make the file longer\n`;
    await writeFile(file, text);
  });
  afterAll(async () => {
    if (tables.length > 0) await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  async function table(label: string): Promise<string> {
    const created = uniqueTable(label);
    tables.push(created);
    await execSql(url, `create table ${created} (id int primary key, note text not null)`);
    return created;
  }

  const args = (target: string, loadId: string) => [
    'load',
    file,
    '--table',
    target,
    '--url',
    url,
    '--commit',
    'staged',
    '--shards',
    '2',
    '--batch-rows',
    '10000',
    '--load-id',
    loadId,
  ];

  /** The re-run: exit 0, every row of the file once, some batches taken from the killed run. */
  async function rerunFinishes(target: string, loadId: string): Promise<void> {
    await until('the killed run to let go of its load id', () => runLockFree(loadId));
    const rerun = await runCli([...args(target, loadId), '--json', '--quiet']);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout) as LoadReport;
    expect(report).toMatchObject({ committed: true, commit: 'staged', rows: ROWS });
    expect(report.resumedBatches).toBeGreaterThan(0);
    const [row] = await sql<{ n: number; ids: number; sum: string }>(
      url,
      `select count(*)::int as n, count(distinct id)::int as ids, sum(id)::text as sum from ${target}`,
    );
    expect(row).toEqual({ n: ROWS, ids: ROWS, sum: String((ROWS * (ROWS + 1)) / 2) });
    const [left] = await sql<{ n: number }>(
      url,
      `select count(*)::int as n from haul.staged_batches where load_id = '${loadId}'`,
    );
    expect(left!.n).toBe(0);
  }

  it('after some batches are staged: nothing published, and the re-run loads each row once', async () => {
    const target = await table('kill_staging');
    const loadId = `kill-staging-${Date.now()}`;
    const child = spawnCli(args(target, loadId));
    const done = finished(child);
    await until('two staged batches', async () => {
      const [row] = await sql<{ n: number }>(
        url,
        `select count(*)::int as n from haul.staged_batches where load_id = '${loadId}'`,
      );
      return row!.n >= 2;
    });
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const [row] = await sql<{ n: number }>(url, `select count(*)::int as n from ${target}`);
    expect(row!.n).toBe(0);
    await rerunFinishes(target, loadId);
  });

  it('while the publish waits for a lock: nothing published, and the re-run completes', async () => {
    const target = await table('kill_publish');
    const loadId = `kill-publish-${Date.now()}`;
    // A reader holding SHARE on the target: the publish's INSERT waits for it (up to lockTimeout).
    const blocker = postgres(url, { max: 1, onnotice: () => {} });
    const reserved = await blocker.reserve();
    try {
      await reserved.unsafe('begin');
      await reserved.unsafe(`lock table ${target} in share mode`);
      const child = spawnCli(args(target, loadId));
      const done = finished(child);
      await until(
        'the publish to wait for the lock',
        async () => {
          const [row] = await sql<{ n: number }>(
            url,
            `select count(*)::int as n from pg_stat_activity
             where wait_event_type = 'Lock' and query ilike 'insert into %${target}%'`,
          );
          return row!.n > 0;
        },
        60_000,
      );
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      await reserved.unsafe('rollback');
    } finally {
      reserved.release();
      await blocker.end();
    }
    // The orphaned publish takes the lock, inserts, then finds its client gone and rolls back.
    await until('the killed run to let go of its load id', () => runLockFree(loadId));
    const [row] = await sql<{ n: number; state: string }>(
      url,
      `select (select count(*)::int from ${target}) as n,
         (select state from haul.loads where load_id = '${loadId}') as state`,
    );
    expect(row).toEqual({ n: 0, state: 'staging' });
    await rerunFinishes(target, loadId);
  });
});
