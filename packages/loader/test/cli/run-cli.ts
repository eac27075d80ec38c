/**
 * Runs the real `haul` CLI as a child process, the way a user does (`node bin/haul.mjs …`), for the
 * end-to-end tests: exit code, stdout and stderr, and the child itself when a test must signal it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@haul/protocol/node';
import { databaseTargets } from '../../../../tools/test-targets.ts';

export const HAUL_BIN = fileURLToPath(new URL('../../bin/haul.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string | Uint8Array;
  /** Extra environment; DATABASE_URL is removed unless given here, so tests never pick one up by accident. */
  env?: Record<string, string>;
  cwd?: string;
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('DATABASE_URL' in extra)) delete env['DATABASE_URL'];
  return env;
}

/** Starts the CLI with piped stdio; the caller drives stdin and waits with `finished`. */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [HAUL_BIN, ...args], {
    env: childEnv(options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}

/** Collects a started CLI's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  const result = finished(child);
  // A CLI that exits before reading stdin closes the pipe; that EPIPE is not the test's concern.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input);
  return result;
}

/** The server the CLI tests use: the 127.0.0.1:5432 service when it is there (one target is enough). */
export function cliTarget(): { name: string; url: string } {
  const targets = databaseTargets();
  return targets.find((target) => target.name.endsWith('-service')) ?? targets[0]!;
}

/** A table name no other test (or parallel run) uses. */
export function uniqueTable(label: string): string {
  return `cli_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}

/** Runs SQL on a short-lived connection; returns the rows of the last statement. */
export async function sql<Row = Record<string, unknown>>(url: string, text: string): Promise<Row[]> {
  const db = await connect(url);
  try {
    return (await db.query<Row>(text)).rows;
  } finally {
    await db.close();
  }
}

export async function rowCount(url: string, table: string): Promise<number> {
  const [row] = await sql<{ n: number }>(url, `select count(*)::int as n from ${table}`);
  return row!.n;
}

/** Runs one or more statements (simple protocol), e.g. `create table …; insert …`. */
export async function execSql(url: string, text: string): Promise<void> {
  const db = await connect(url);
  try {
    await db.exec(text);
  } finally {
    await db.close();
  }
}
