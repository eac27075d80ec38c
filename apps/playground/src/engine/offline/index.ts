/**
 * Offline mode: an Engine backed by PGlite (PostgreSQL compiled to WebAssembly) running in this tab,
 * in memory — nothing is kept after the page closes. The UI lazy-imports this file, so PGlite and its
 * WASM are fetched only when offline mode is chosen.
 *
 * PGlite is one session: a load holds it (inside its transaction) until it ends, and console queries
 * issued meanwhile wait their turn rather than joining the load's transaction.
 */
import { PGlite } from '@electric-sql/pglite';
import type {
  Engine,
  ExportFormat,
  LoadEvent,
  LoadOutcome,
  LoadRequest,
  SqlStatement,
  StatementResult,
  SyncMode,
  TableDetail,
  TableSummary,
} from '../contract.ts';
import { describeTable, listTables } from './catalog.ts';
import { abortError } from './errors.ts';
import { exportTable } from './export.ts';
import { runLoad } from './load.ts';
import { PGliteSessions } from './session.ts';
import { runStatements } from './sql.ts';

export interface OfflineEngineOptions {
  /** PGlite's dataDir: in memory unless given (e.g. 'idb://haul' to keep tables in IndexedDB). */
  dataDir?: string;
}

export async function createOfflineEngine(options: OfflineEngineOptions = {}): Promise<Engine> {
  const db = await PGlite.create(options.dataDir);
  const { rows } = await db.query<{ version: string }>('select version() as version');
  return new OfflineEngine(db, labelFor(rows[0]?.version ?? ''));
}

/** "PGlite 0.5.16 in this tab · PostgreSQL 18.6", from version()'s "PostgreSQL 18.6 (PGlite 0.5.16) on …". */
function labelFor(version: string): string {
  const pglite = /\(PGlite ([^)\s]+)\)/.exec(version)?.[1];
  const postgres = /^PostgreSQL (\S+)/.exec(version)?.[1];
  return `PGlite${pglite ? ` ${pglite}` : ''} in this tab${postgres ? ` · PostgreSQL ${postgres}` : ''}`;
}

class OfflineEngine implements Engine {
  readonly kind = 'offline';
  readonly maxShards = 1;

  readonly #sessions: PGliteSessions;

  constructor(
    private readonly db: PGlite,
    readonly label: string,
  ) {
    this.#sessions = new PGliteSessions(db);
  }

  tables(signal?: AbortSignal): Promise<TableSummary[]> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'the request'));
    return listTables(this.#sessions);
  }

  table(name: string, signal?: AbortSignal): Promise<TableDetail | null> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'the request'));
    return describeTable(this.#sessions, name);
  }

  load(
    table: string,
    file: Blob,
    request: LoadRequest,
    onEvent: (event: LoadEvent) => void,
    signal: AbortSignal,
  ): Promise<LoadOutcome> {
    return runLoad(this.#sessions, table, file, request, onEvent, signal);
  }

  sql(statements: SqlStatement[], sync: SyncMode, signal?: AbortSignal): Promise<StatementResult[]> {
    return runStatements(this.db, statements, sync, signal);
  }

  exportTable(
    table: string,
    format: ExportFormat,
    _options: { partitions?: number; partitionOn?: string },
    signal?: AbortSignal,
  ): Promise<Blob> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'the export'));
    return exportTable(this.db, this.#sessions, table, format);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
