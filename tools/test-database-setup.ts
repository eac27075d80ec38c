/**
 * vitest globalSetup: decides which PostgreSQL servers integration tests use and hands the list to
 * them as `inject('databaseTargets')` (read it through tools/test-targets.ts).
 *
 *   DATABASE_URL set            → only that server.
 *   otherwise                   → the server on 127.0.0.1:5432 if it answers, plus an embedded
 *                                 PostgreSQL 18 started here once per run and stopped in teardown.
 *   HAUL_TEST_EMBEDDED=0        → skip the embedded server (quicker when 5432 is there).
 */
import { Socket } from 'node:net';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import type { DatabaseTarget } from './test-targets.ts';

const SERVICE = { host: '127.0.0.1', port: 5432 };
/** A local server answers a TCP connect in well under this; anything slower counts as absent. */
const PROBE_TIMEOUT_MS = 500;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const targets: DatabaseTarget[] = [];
  const stops: Array<() => Promise<void>> = [];

  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv) {
    targets.push({ name: `pg${await serverMajor(fromEnv)}-env`, url: fromEnv });
  } else {
    if (await answers(SERVICE.host, SERVICE.port)) {
      const url = await serviceUrl();
      targets.push({ name: `pg${await serverMajor(url)}-service`, url });
    }
    if (process.env['HAUL_TEST_EMBEDDED'] !== '0') {
      const server = await startEmbeddedPostgres();
      stops.push(server.stop);
      targets.push({ name: `pg${await serverMajor(server.url)}-embedded`, url: server.url });
    } else if (targets.length === 0) {
      throw new Error(
        `HAUL_TEST_EMBEDDED=0 and nothing answers on ${SERVICE.host}:${SERVICE.port}: no server to test ` +
          'against. Unset HAUL_TEST_EMBEDDED or set DATABASE_URL.',
      );
    }
  }

  project.provide('databaseTargets', targets);
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

/** True if a TCP connection to host:port opens within PROBE_TIMEOUT_MS. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** The service's `test` database if it has one (kept for tests), else `postgres`. */
async function serviceUrl(): Promise<string> {
  const base = `postgres://postgres@${SERVICE.host}:${SERVICE.port}`;
  const rows = await query<{ found: number }>(
    `${base}/postgres`,
    "select 1 as found from pg_database where datname = 'test'",
  );
  return `${base}/${rows.length > 0 ? 'test' : 'postgres'}`;
}

async function serverMajor(url: string): Promise<number> {
  const [row] = await query<{ version: string }>(
    url,
    "select current_setting('server_version_num') as version",
  );
  return Math.floor(Number(row?.version) / 10_000);
}

async function query<Row>(url: string, text: string): Promise<Row[]> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    return [...(await sql.unsafe<Row[]>(text))];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`test database setup: "${text}" failed on ${redact(url)}: ${reason}`, { cause: error });
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Hides the password in a URL for error messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
