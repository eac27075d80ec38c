/**
 * The command lines the loader benchmarks time: the `haul` CLI through its package bin (as a user
 * runs it: `node …/bin/haul.mjs`, which runs an esbuild bundle of the CLI) and psql's `\copy`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ProcessOutcome, runTimed } from './timed-process.ts';

export const HAUL_BIN = fileURLToPath(new URL('../../packages/loader/bin/haul.mjs', import.meta.url));

/** Runs `haul <args…>` with node; rejects with its stderr when it exits non-zero. */
export function runHaul(
  args: readonly string[],
  options: { measureMemory?: boolean } = {},
): Promise<ProcessOutcome> {
  return runTimed(process.execPath, [HAUL_BIN, ...args], options);
}

/**
 * `--shards N`, and for several the commit barrier, asked for: the bench's PG 15 allows no prepared
 * transactions, where `--commit auto` loads with one shard (load/commit-choice.ts), so without it
 * every shard count would measure one shard. The barrier's commit costs what two-phase's would not
 * (one COMMIT per shard against a PREPARE and a COMMIT PREPARED), so these are the faster case.
 */
export function shardArgs(shards: number): string[] {
  return ['--shards', String(shards), ...(shards > 1 ? ['--commit', 'barrier'] : [])];
}

/** The rows `haul load --json` reports committed, checked against the expected count. */
export function reportedRows(outcome: ProcessOutcome): number {
  const report = JSON.parse(outcome.stdout) as { rows?: unknown; committed?: unknown };
  if (report.committed !== true) throw new Error(`haul reported committed=${String(report.committed)}`);
  return Number(report.rows);
}

/** psql prints the command tag of `\copy`, e.g. `COPY 1000000`. */
const COPY_TAG = /^COPY (\d+)$/m;

/** Runs one psql meta-command (no psqlrc, stop on error) and returns the rows its COPY tag reports. */
export async function runPsqlCopy(url: string, command: string): Promise<ProcessOutcome & { rows: number }> {
  const outcome = await runTimed('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command]);
  const tag = COPY_TAG.exec(outcome.stdout);
  if (!tag) throw new Error(`psql printed no COPY tag for ${command}:\n${outcome.stdout}`);
  return { ...outcome, rows: Number(tag[1]) };
}

/** Why psql cannot be a contender here, or undefined when it can. */
export async function psqlUnavailable(): Promise<string | undefined> {
  try {
    await promisify(execFile)('psql', ['--version']);
    return undefined;
  } catch {
    return 'psql is not on PATH';
  }
}

/** A path quoted for a psql meta-command: single quotes, doubled inside. */
export function psqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}
