/**
 * Test helpers for loads against a real server: an admin client (postgres.js, an independent oracle),
 * unique table names, and a way to find one shard's backend to terminate mid-load.
 */
import postgres from 'postgres';
import { connect } from '../../../protocol/src/adapters/node.ts';
import type { LoadOptions } from '../../src/api.ts';
import type { CommitParticipant } from '../../src/load/two-phase.ts';

export type Admin = postgres.Sql;

export function adminClient(url: string): Admin {
  return postgres(url, { max: 2, onnotice: () => {} });
}

let counter = 0;
/** A table name unique to this process and call. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}_${process.pid}_${counter}_${Math.floor(Math.random() * 1e6)}`;
}

/** The connection part of LoadOptions for `url`, tagging every connection with `application_name`. */
export function via(url: string, applicationName = 'haul-test'): Pick<LoadOptions, 'url' | 'connect'> {
  const tagged = new URL(url);
  tagged.searchParams.set('application_name', applicationName);
  return { url: tagged.toString(), connect };
}

/** CSV text for rows of values (null → empty unquoted field; strings quoted when they need it). */
export function csv(header: readonly string[] | null, rows: readonly (readonly unknown[])[]): string {
  const field = (value: unknown) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = rows.map((row) => row.map(field).join(','));
  if (header) lines.unshift(header.join(','));
  return `${lines.join('\n')}\n`;
}

/** The single integer a `select count(*)::int as n …`-style query returns. */
export async function scalar(
  admin: Admin,
  sql: string,
  params: readonly (string | number)[] = [],
): Promise<number> {
  const rows = await admin.unsafe<Record<string, number>[]>(sql, params as (string | number)[]);
  const row = rows[0];
  if (!row) throw new Error(`no row from ${sql}`);
  return Number(Object.values(row)[0]);
}

/** Terminates one backend of `applicationName` that is running a COPY; true if one was found. */
export async function terminateCopyingBackend(admin: Admin, applicationName: string): Promise<boolean> {
  const rows = await admin<{ ok: boolean }[]>`
    select pg_terminate_backend(pid) as ok from pg_stat_activity
    where application_name = ${applicationName} and query ilike 'copy%'
    order by backend_start desc limit 1`;
  return rows.length > 0 && rows[0]!.ok;
}

/** Waits until no session of `applicationName` is left on the server. */
export async function waitForNoSessions(
  admin: Admin,
  applicationName: string,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await scalar(admin, 'select count(*)::int from pg_stat_activity where application_name = $1', [
      applicationName,
    ]);
    if (n === 0 || Date.now() > deadline) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An async source of CSV bytes that yields `rows` lines in pieces, pausing so a test can act mid-load. */
export async function* slowCsv(
  header: string,
  rows: number,
  line: (i: number) => string,
  options: { piece?: number; pauseMs?: number } = {},
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const piece = options.piece ?? 5000;
  yield encoder.encode(`${header}\n`);
  for (let i = 1; i <= rows; i += piece) {
    let text = '';
    for (let j = i; j < Math.min(rows + 1, i + piece); j++) text += `${line(j)}\n`;
    yield encoder.encode(text);
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
}

/** `count` connections, each in a transaction that ran `sql(index)`: the participants of a commit. */
export async function openTransactions(
  url: string,
  count: number,
  sql: (index: number) => string,
): Promise<CommitParticipant[]> {
  const conns = await Promise.all(Array.from({ length: count }, () => connect(url)));
  for (const [index, conn] of conns.entries()) await conn.exec(`begin; ${sql(index)}`);
  return conns.map((conn, index) => ({ index, conn }));
}
