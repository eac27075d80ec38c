/**
 * The server as the oracle for loads: the same CSV through PostgreSQL's own `COPY … FROM STDIN (format
 * csv, header)`, the bytes handed over as they are (postgres.js's COPY stream never reports a refusal,
 * so the protocol core carries them; the verdict is the server's ErrorResponse either way). `serverVerdict` is what one COPY says; `serverRejects` is what reject mode must
 * reach: drop the row the server names and try again, until the rest goes in, leaving the accepted
 * rows in the oracle table.
 */
import { type Connection, PostgresError } from '@haul/protocol';

/** One source row: its text (line breaks inside quotes included, terminator excluded). */
export interface SourceRow {
  text: string;
  /** 1-based line on which the row starts in the file given to the loader. */
  line: number;
}

export type CopyVerdict = { ok: true } | { ok: false; code: string; serverLine: number | null };

/** COPYs `header` + rows into `table` (format csv, header); what the server said. */
export async function serverVerdict(
  conn: Connection,
  table: string,
  header: string,
  rows: readonly SourceRow[],
): Promise<CopyVerdict> {
  const text = `${header}\n${rows.map((row) => `${row.text}\n`).join('')}`;
  try {
    await conn.copyIn(`copy ${table} from stdin (format csv, header)`, [new TextEncoder().encode(text)]);
    return { ok: true };
  } catch (error) {
    const server = error instanceof PostgresError ? error : (error as { cause?: unknown }).cause;
    if (!(server instanceof PostgresError)) throw error;
    const match = /COPY [^,]+, line (\d+)/.exec(server.where ?? '');
    return { ok: false, code: server.code, serverLine: match ? Number(match[1]) : null };
  }
}

/**
 * The rows the server refuses, one COPY after another as reject mode goes; `table` ends up holding the
 * accepted rows. The server counts lines: the header is line 1 and each row takes one line more than
 * the LFs in its text (rows are LF-terminated, LF-only inside quotes).
 */
export async function serverRejects(
  conn: Connection,
  table: string,
  header: string,
  rows: readonly SourceRow[],
): Promise<SourceRow[]> {
  let left = [...rows];
  const refused: SourceRow[] = [];
  for (;;) {
    await conn.exec(`truncate ${table}`);
    const verdict = await serverVerdict(conn, table, header, left);
    if (verdict.ok) return refused;
    if (verdict.serverLine === null)
      throw new Error(`the server refused the COPY as a whole (${verdict.code})`);
    const at = rowAtServerLine(left, verdict.serverLine);
    refused.push(left[at]!);
    left = left.filter((_, i) => i !== at);
  }
}

/** The row whose lines hold the server's `line` (header = line 1). */
function rowAtServerLine(rows: readonly SourceRow[], line: number): number {
  let end = 1;
  for (let i = 0; i < rows.length; i++) {
    end += 1 + (rows[i]!.text.match(/\n/g)?.length ?? 0);
    if (line <= end) return i;
  }
  throw new Error(`line ${line} is past the last row`);
}
