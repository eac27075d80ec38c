/**
 * Finds the PostgreSQL server to benchmark against: `DATABASE_URL` if it answers, else the local
 * test server on 127.0.0.1:5432, else an embedded server started for this run.
 */

import pg from 'pg';

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A probe waits this long for a connection before trying the next candidate. */
const PROBE_TIMEOUT_MS = 3_000;

export interface Database {
  url: string;
  /** Where the URL came from, for the report. */
  source: 'DATABASE_URL' | 'default' | 'embedded';
  /** `server_version` as the server reports it. */
  serverVersion: string;
  /** Stops the embedded server; a no-op for servers we did not start. */
  stop(): Promise<void>;
}

/** Connects, asks for the server version, disconnects; the version, or the error that happened. */
async function probe(url: string): Promise<{ version: string } | { error: Error }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('show server_version');
    return { version: result.rows[0]?.server_version ?? 'unknown' };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL with any password replaced, for printing. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Starts a throwaway server. Calls `startEmbeddedPostgres` rather than `resolveDatabaseUrl`, which
 * would hand back a DATABASE_URL we already found dead.
 */
export async function startEmbedded(): Promise<Database> {
  const { startEmbeddedPostgres } = await import('../../tools/embedded-postgres.ts');
  const embedded = await startEmbeddedPostgres();
  const answer = await probe(embedded.url);
  if ('error' in answer) {
    await embedded.stop();
    throw new Error('the embedded PostgreSQL server started but does not answer', { cause: answer.error });
  }
  return { url: embedded.url, source: 'embedded', serverVersion: answer.version, stop: embedded.stop };
}

export async function resolveDatabase(log: (line: string) => void): Promise<Database> {
  const candidates: Array<{ url: string; source: 'DATABASE_URL' | 'default' }> = [];
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv) candidates.push({ url: fromEnv, source: 'DATABASE_URL' });
  candidates.push({ url: DEFAULT_URL, source: 'default' });

  for (const candidate of candidates) {
    const answer = await probe(candidate.url);
    if ('version' in answer) {
      return { ...candidate, serverVersion: answer.version, stop: async () => {} };
    }
    log(`${candidate.source} (${redact(candidate.url)}) does not answer: ${answer.error.message}`);
  }
  log('starting an embedded PostgreSQL server (tools/embedded-postgres.ts)');
  return startEmbedded();
}
