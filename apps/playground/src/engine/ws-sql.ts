/**
 * The SQL console's connection: our protocol core running in this page, its bytes carried through the
 * worker's WebSocket→TCP proxy (GET /v1/ws). The worker tells where the database is and as whom to log
 * in (GET /v1/database); the token goes as the `haul.token.<token>` subprotocol, since a browser cannot
 * set headers on a WebSocket. One connection, opened on first use and kept for later runs.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/websocket';
import type { DatabaseInfo } from '@haul/worker/contract';
import { CONSOLE_TYPES } from './console-types.ts';
import { EngineError, type SqlStatement, type StatementResult, type SyncMode } from './contract.ts';
import { statementError, statementRows } from './statement-results.ts';
import type { WorkerHttp } from './worker-http.ts';

/** Characters a WebSocket subprotocol may hold (RFC 7230 tchar, less what a token never has). */
const SUBPROTOCOL_SAFE = /^[A-Za-z0-9._~+-]+$/;

export class WsSqlSession {
  #opening: Promise<Connection> | undefined;

  constructor(readonly http: WorkerHttp) {}

  /** Every statement is written before any result is awaited: one pipeline. */
  async run(statements: SqlStatement[], sync: SyncMode, signal?: AbortSignal): Promise<StatementResult[]> {
    const db = await this.#connect();
    const started = performance.now();
    if (sync === 'atomic') {
      const outcomes = await db.batch(statements, { sync: 'atomic', signal });
      const ms = performance.now() - started;
      return outcomes.map((o) =>
        o.status === 'fulfilled' ? statementRows(o.value, ms) : statementError(o.reason),
      );
    }
    // Queued in one tick, so the core coalesces them into one write; each settles on its own Sync.
    const pending = statements.map((s) =>
      db.query(s.sql, s.params ?? [], { sync: 'independent', signal }).then(
        (result) => statementRows(result, performance.now() - started),
        (error: unknown) => statementError(error),
      ),
    );
    return Promise.all(pending);
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    const db = await opening?.catch(() => undefined);
    await db?.close().catch(() => {});
  }

  /** The open connection, or a new one if there is none or it was lost. */
  #connect(): Promise<Connection> {
    const current = this.#opening;
    if (current) {
      return current.then((db) => {
        if (!db.isClosed) return db;
        if (this.#opening === current) this.#opening = undefined;
        return this.#connect();
      });
    }
    const opening = this.#open();
    this.#opening = opening;
    opening.catch(() => {
      if (this.#opening === opening) this.#opening = undefined;
    });
    return opening;
  }

  async #open(): Promise<Connection> {
    const info = await this.http.json<DatabaseInfo>('/v1/database');
    if (!info.proxied) {
      throw new EngineError(
        `The worker's WebSocket proxy may not reach the database at ${info.address}: add it to HAUL_ALLOWED_HOSTS.`,
        undefined,
        undefined,
      );
    }
    const { host, port } = parseAddress(info.address);
    const wsBase = `${this.http.baseUrl.replace(/^http/, 'ws')}/v1/ws`;
    const viaSubprotocol = SUBPROTOCOL_SAFE.test(this.http.token);
    const url = viaSubprotocol ? wsBase : `${wsBase}?token=${encodeURIComponent(this.http.token)}`;
    try {
      return await connect(
        {
          host,
          port,
          user: info.user,
          database: info.database,
          ...(info.password !== undefined ? { password: info.password } : {}),
          sslmode: 'disable',
          applicationName: 'haul-playground',
          types: CONSOLE_TYPES,
        },
        { url, ...(viaSubprotocol ? { protocols: `haul.token.${this.http.token}` } : {}) },
      );
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new EngineError(
        `Could not open a SQL connection through ${wsBase} to ${info.address}: ${why}`,
        undefined,
        undefined,
      );
    }
  }
}

function parseAddress(address: string): { host: string; port: number } {
  const match = address.match(/^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/);
  if (!match)
    throw new EngineError(`The worker gave a malformed database address: ${address}`, 500, undefined);
  return { host: (match[1] ?? match[2])!, port: Number(match[3]) };
}
