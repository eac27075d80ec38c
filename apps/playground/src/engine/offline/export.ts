/**
 * A table as a file. CSV is PostgreSQL's own (`COPY … TO '/dev/blob'`, which PGlite returns as a Blob);
 * NDJSON is one `row_to_json` per line, as the loader's export writes it. One session, so no
 * partitions: the options the worker uses for its partitioned export are ignored.
 */
import type { PGlite } from '@electric-sql/pglite';
import { LoadConfigError, readTable } from '@haul/loader';
import { EngineError, type ExportFormat } from '../contract.ts';
import type { PGliteSessions } from './session.ts';

export async function exportTable(
  db: PGlite,
  sessions: PGliteSessions,
  table: string,
  format: ExportFormat,
): Promise<Blob> {
  // The table as a load would name it (the loader's catalog reading), then PGlite's own COPY TO.
  const target = await sessions
    .withConnection((conn) => readTable(conn, table))
    .catch((error: unknown) => {
      if (!(error instanceof LoadConfigError)) throw error;
      throw new EngineError(error.message, 404, { message: error.message });
    });
  if (format === 'csv') {
    const result = await db.query(
      `copy (select * from ${target.qualified}) to '/dev/blob' (format csv, header)`,
    );
    if (!result.blob) throw new Error('PGlite returned no blob for COPY TO /dev/blob');
    return new Blob([result.blob], { type: 'text/csv' });
  }
  const { rows } = await db.query<{ line: string }>(
    `select row_to_json(q)::text as line from ${target.qualified} q`,
  );
  const text = rows.map((row) => `${row.line}\n`).join('');
  return new Blob([text], { type: 'application/x-ndjson' });
}
