/**
 * psql's `\copy … (format binary)` as the reference for what libpq and a C client achieve: loading a
 * binary file the server itself wrote (a dump of the reference load, so the same rows and values), and
 * dumping the table to a file. Each run times the whole psql process, spawn to exit, which includes
 * its start-up and connection (a few ms); the numbers it prints are checked, not used.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { timed } from '../lib/clock.ts';
import { COPY_TABLE, copyOutSource } from '../lib/copy-rows.ts';
import { type Contender, ContenderUnavailable, type Session } from './types.ts';

const run = promisify(execFile);

export const PSQL_COPY = 'psql \\copy binary';
export const PSQL_COPY_OUT = `${PSQL_COPY} to file`;

/** psql prints the command tag of `\copy`, e.g. `COPY 1000000`. */
const COPY_TAG = /^COPY (\d+)$/m;

async function ensurePsql(): Promise<void> {
  try {
    await run('psql', ['--version']);
  } catch (error) {
    throw new ContenderUnavailable('psql is not on PATH', { cause: error });
  }
}

/** Runs one meta-command (no psqlrc, stop on error) and returns the row count of its COPY tag. */
async function psqlCopy(url: string, command: string): Promise<number> {
  const { stdout } = await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command]);
  const tag = COPY_TAG.exec(stdout);
  if (!tag) throw new Error(`psql printed no COPY tag for ${command}:\n${stdout}`);
  return Number(tag[1]);
}

function expectRows(actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`psql copied ${actual} rows, expected ${expected}`);
}

/** Binary dumps of the first N rows of the table, one file per N, made once before the load runs. */
export interface BinaryFixtures {
  dir: string;
  files: Map<number, { path: string; bytes: number }>;
}

/**
 * Dumps the first `count` rows, for each count, with `\copy (… order by id) to '<file>' (format binary)`
 * while the table holds the reference load. Ordered, because a heap does not keep load order (COPY
 * fills earlier pages' free space with later, shorter rows): the files hold the rows in the order every
 * other loader sends them. Throws ContenderUnavailable without psql.
 */
export async function dumpBinaryFixtures(url: string, counts: number[]): Promise<BinaryFixtures> {
  await ensurePsql();
  const dir = await mkdtemp(join(tmpdir(), 'haul-bench-copy-'));
  const files = new Map<number, { path: string; bytes: number }>();
  for (const count of new Set(counts)) {
    const path = join(dir, `bench_copy-${count}.bin`);
    const rows = `(select * from ${COPY_TABLE} where id <= ${Math.trunc(count)} order by id)`;
    expectRows(await psqlCopy(url, `\\copy ${rows} to '${path}' (format binary)`), count);
    files.set(count, { path, bytes: (await stat(path)).size });
  }
  return { dir, files };
}

export function removeFixtures(fixtures: BinaryFixtures): Promise<void> {
  return rm(fixtures.dir, { recursive: true, force: true });
}

function loadSession(url: string, fixtures: BinaryFixtures): Session {
  return {
    async run(count) {
      const file = fixtures.files.get(count);
      if (!file) throw new Error(`no binary dump of ${count} rows was made`);
      let copied = 0;
      const ms = await timed(async () => {
        copied = await psqlCopy(url, `\\copy ${COPY_TABLE} from '${file.path}' (format binary)`);
      });
      expectRows(copied, count);
      return { ms, bytes: file.bytes };
    },
    close: async () => {},
  };
}

/** `fixtures`: the dumps to load, or why they could not be made (the contender is then skipped). */
export function psqlCopyIn(fixtures: BinaryFixtures | Error): Contender {
  return {
    name: PSQL_COPY,
    workload: 'copy-in',
    async open(url) {
      if (fixtures instanceof ContenderUnavailable) throw fixtures;
      if (fixtures instanceof Error) {
        throw new ContenderUnavailable(`no binary dump to load: ${fixtures.message}`, { cause: fixtures });
      }
      return loadSession(url, fixtures);
    },
  };
}

function dumpSession(url: string, dir: string, total: number): Session {
  const path = join(dir, 'copy-out.bin');
  return {
    async run(count) {
      let copied = 0;
      const ms = await timed(async () => {
        copied = await psqlCopy(url, `\\copy ${copyOutSource(count, total)} to '${path}' (format binary)`);
      });
      expectRows(copied, count);
      return { ms, bytes: (await stat(path)).size };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `total`: the rows in the table, so a full run dumps the table itself rather than a query. */
export function psqlCopyOut(total: number): Contender {
  return {
    name: PSQL_COPY_OUT,
    workload: 'copy-out',
    async open(url) {
      await ensurePsql();
      return dumpSession(url, await mkdtemp(join(tmpdir(), 'haul-bench-copy-out-')), total);
    },
  };
}
