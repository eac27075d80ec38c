/**
 * A protocol Connection onto the page's PGlite (pglite-socket.ts), held for one piece of work: the
 * loader's own calls (load, catalog reads) then run on PGlite exactly as on a server. PGlite's own
 * queries (the console, export) wait meanwhile, so nothing joins a load's open transaction.
 */
import type { PGlite } from '@electric-sql/pglite';
import { type Connection, connectWith } from '@haul/protocol';
import { pgliteSockets } from './pglite-socket.ts';

/** PGlite takes no address or credentials; these only fill the startup packet. */
const SESSION = {
  host: 'pglite',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
  sslmode: 'disable',
  applicationName: 'haul-playground',
} as const;

export class PGliteSessions {
  readonly #sockets;

  constructor(private readonly db: PGlite) {
    this.#sockets = pgliteSockets(db);
  }

  /** A new Connection on PGlite's one session; close it to give the session back. */
  connect(): Promise<Connection> {
    return connectWith(this.#sockets, SESSION);
  }

  /** Runs `work` holding PGlite (its own queries wait), on a Connection of its own when it asks for one. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.db.runExclusive(work);
  }

  /** `work` on a Connection opened for it and closed after it, holding PGlite meanwhile. */
  withConnection<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const conn = await this.connect();
      try {
        return await work(conn);
      } finally {
        await conn.close().catch(() => {});
      }
    });
  }
}
