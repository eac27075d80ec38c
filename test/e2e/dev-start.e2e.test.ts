/**
 * `pnpm start` (tools/dev-start.ts) as a process: with DATABASE_URL unset it starts an embedded
 * PostgreSQL and serves the API on it, and SIGINT or SIGTERM to the script alone (not its process
 * group, so postgres hears nothing itself) stops the worker and that postgres and deletes its
 * directory, exit code 0; with DATABASE_URL set it starts no database. `--api-only`, so this file
 * never builds the page while the playground's e2e test serves it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../tools/test-targets.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 90_000;

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  token: string;
  databaseUrl: string | undefined;
}

let running: ChildProcess | undefined;
afterEach(() => {
  // A failed test must not leave the script (and its postgres) behind: SIGTERM runs its exit hook,
  // which stops postgres at once; SIGKILL if even that does not end it.
  const child = running;
  running = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
});

/** Starts `tsx tools/dev-start.ts --api-only` as one node process and waits for its token line. */
function startDevServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/dev-start.ts'), '--api-only'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HAUL_TOKEN: '', PORT: '0', NO_COLOR: '1', ...env },
  });
  running = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no token line in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /haul worker listening on (http:\/\/\S+)/.exec(output)?.[1];
      const token = /^token: +(\S+)$/m.exec(output)?.[1];
      if (!url || !token) return;
      clearTimeout(timer);
      const databaseUrl = /^database: (postgres:\/\/\S+) \(embedded/m.exec(output)?.[1];
      resolve({ child, output: () => output, url, token, databaseUrl });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`dev-start exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The embedded server's data directory and postmaster PID, asked of the server itself. */
async function postmasterOf(databaseUrl: string): Promise<{ dataDir: string; pid: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ dir: string }[]>`select current_setting('data_directory') as dir`;
    const dataDir = row!.dir;
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { dataDir, pid };
  } finally {
    await sql.end();
  }
}

async function expectApiServed(started: Started): Promise<void> {
  const health = await fetch(`${started.url}/healthz`);
  expect(await health.json()).toEqual({ ok: true, runtime: 'node' });
  const tables = await fetch(`${started.url}/v1/tables`, {
    headers: { authorization: `Bearer ${started.token}` },
  });
  expect(tables.status).toBe(200);
  expect(await tables.json()).toHaveProperty('tables');
  expect((await fetch(`${started.url}/v1/tables`)).status).toBe(401);
  // --api-only: no page at /.
  expect((await fetch(`${started.url}/`)).status).toBe(404);
}

describe('pnpm start (tools/dev-start.ts)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`without DATABASE_URL: an embedded PostgreSQL, gone with its directory after ${signal}`, async () => {
      const started = await startDevServer({ DATABASE_URL: '' });
      expect(started.databaseUrl, started.output()).toMatch(
        /^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\//,
      );
      // A made-up token: 32 random bytes in hex.
      expect(started.token).toMatch(/^[0-9a-f]{64}$/);
      await expectApiServed(started);
      const { dataDir, pid } = await postmasterOf(started.databaseUrl!);
      expect(alive(pid)).toBe(true);

      started.child.kill(signal);
      expect(await exited(started.child)).toEqual({ code: 0, signal: null });
      expect(started.output()).toContain(`${signal}: stopping…`);
      expect(alive(pid)).toBe(false);
      expect(existsSync(dirname(dataDir))).toBe(false);
    }, 120_000);
  }

  it('with DATABASE_URL: that database, no embedded one, the token given; stops on SIGINT', async () => {
    const target = databaseTargets()[0]!;
    const started = await startDevServer({ DATABASE_URL: target.url, HAUL_TOKEN: 'dev-start-test.token' });
    expect(started.output()).toContain('database: DATABASE_URL');
    expect(started.output()).not.toContain('embedded');
    expect(started.token).toBe('dev-start-test.token');
    await expectApiServed(started);

    started.child.kill('SIGINT');
    expect(await exited(started.child)).toEqual({ code: 0, signal: null });
  }, 120_000);
});
