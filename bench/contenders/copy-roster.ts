/**
 * Who runs in the COPY tables, in table order. Haul's encoder and decoder, and pg-copy-streams-binary,
 * are loaded on demand, each on its own, so that the others still run while one is missing or broken;
 * it then shows up as skipped with the reason.
 */

import type { CopyRow } from '../lib/copy-rows.ts';
import type { Check } from '../lib/measure.ts';
import { pgCopyIn } from './copy-pg.ts';
import { postgresjsCopyIn, postgresjsCopyOut } from './copy-postgresjs.ts';
import { type BinaryFixtures, psqlCopyIn, psqlCopyOut } from './copy-psql.ts';
import { type Contender, ContenderUnavailable, type WorkloadId } from './types.ts';

export interface CopyRoster {
  load: Contender[];
  dump: Contender[];
  encode: Contender[];
  /** Compares Haul's encoding of the first `count` rows with a server dump; undefined without Haul. */
  compareWithServerDump?: (count: number, dumpPath: string) => Promise<Check>;
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function unavailable(name: string, workload: WorkloadId, what: string, error: unknown): Contender {
  return {
    name,
    workload,
    open: () => Promise.reject(new ContenderUnavailable(`could not load ${what}: ${firstLine(error)}`)),
  };
}

/**
 * `rows`: the data, shared by every loader; `total`: rows per measured run, which the table holds when
 * the dump runs; `fixtures`: psql's binary files to load, or why there are none.
 */
export async function copyRoster(
  rows: readonly CopyRow[],
  total: number,
  fixtures: BinaryFixtures | Error,
): Promise<CopyRoster> {
  const roster: CopyRoster = {
    load: [],
    dump: [],
    encode: [],
  };
  try {
    const haul = await import('./copy-haul-in.ts');
    roster.load.push(haul.haulCopyIn(rows));
    roster.encode.push(haul.haulEncoderAlone(rows));
    roster.compareWithServerDump = (count, path) => haul.compareWithServerDump(rows, count, path);
  } catch (error) {
    const what = 'Haul BinaryCopyEncoder';
    roster.load.push(unavailable('Haul binary COPY', 'copy-in', what, error));
    roster.encode.push(unavailable('Haul BinaryCopyEncoder (no I/O)', 'copy-encode', what, error));
  }
  try {
    const haul = await import('./copy-haul-out.ts');
    roster.dump.push(haul.haulCopyOut(total));
  } catch (error) {
    const what = 'Haul BinaryCopyDecoder';
    roster.dump.push(unavailable('Haul binary COPY + BinaryCopyDecoder', 'copy-out', what, error));
  }
  roster.load.push(postgresjsCopyIn(rows), pgCopyIn(rows));
  try {
    const binary = await import('./copy-pg-binary.ts');
    roster.load.push(binary.pgBinaryCopyIn(rows));
  } catch (error) {
    const name = 'pg + pg-copy-streams-binary rowWriter';
    roster.load.push(unavailable(name, 'copy-in', 'pg-copy-streams-binary', error));
  }
  roster.load.push(psqlCopyIn(fixtures));
  roster.dump.push(psqlCopyOut(total), postgresjsCopyOut(total));
  return roster;
}
