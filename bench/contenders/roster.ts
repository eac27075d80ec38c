/**
 * Which contenders run in which workload, in table order. Haul is loaded on demand so that the
 * peers still run while Haul's adapter is missing or broken; it then shows up as skipped.
 */

import { pgSelect } from './pg.ts';
import { pgbenchSelect } from './pgbench.ts';
import { postgresjsInsert, postgresjsSelect } from './postgresjs.ts';
import { type Contender, ContenderUnavailable, type WorkloadId } from './types.ts';

interface HaulContenders {
  select: Contender;
  insertAuto: Contender;
  insertIndependent: Contender;
}

function unavailable(name: string, workload: WorkloadId, error: unknown): Contender {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    name,
    workload,
    open: () => Promise.reject(new ContenderUnavailable(`could not load Haul: ${message}`)),
  };
}

async function loadHaul(): Promise<HaulContenders> {
  try {
    const haul = await import('./haul.ts');
    return {
      select: haul.haulSelect,
      insertAuto: haul.haulInsertAuto,
      insertIndependent: haul.haulInsertIndependent,
    };
  } catch (error) {
    return {
      select: unavailable('Haul', 'select', error),
      insertAuto: unavailable('Haul (sync: auto)', 'insert', error),
      insertIndependent: unavailable('Haul (sync: independent)', 'insert', error),
    };
  }
}

/** The select and insert tables; the COPY tables have their own roster (`copy-roster.ts`). */
export async function roster(
  pgbenchPipeline: number | undefined,
): Promise<Record<'select' | 'insert', Contender[]>> {
  const haul = await loadHaul();
  return {
    select: [haul.select, postgresjsSelect, pgSelect, pgbenchSelect(pgbenchPipeline)],
    insert: [haul.insertAuto, haul.insertIndependent, postgresjsInsert],
  };
}
