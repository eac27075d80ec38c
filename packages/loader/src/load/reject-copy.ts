/**
 * onError 'reject' on the server side: a chunk's rows go in COPYs under a savepoint, a window of rows
 * at a time. When the server refuses a row, the savepoint is rolled back, the row is set aside (found
 * from the error's "line N", else by halving the window down to the single bad row) and the rows
 * before it go again on their own. The window doubles after every COPY that succeeds and shrinks to the
 * rows before the bad one after every refusal, so a clean chunk is one COPY and a chunk of bad rows
 * costs one short COPY per bad row: the work stays linear in the rows, never the rows times the bad
 * ones. Good rows are never lost; each bad one is reported once with its source line, also when the
 * error's CONTEXT cannot be read (lc_messages not English): a window of one row names its row itself.
 */
import { type Connection, copyErrorLine, PostgresError, SqlStateClass, sqlStateClass } from '@haul/protocol';
import { BadRowError } from '../errors.ts';
import type { EncodedChunk } from './chunk.ts';
import { CopyRowMap, rowError } from './copy-frames.ts';
import { copyChunks } from './shard.ts';

export type Ranges = [number, number][];

export interface RejectCopy {
  conn: Connection;
  sql: string;
  format: 'binary' | 'text';
  signal: AbortSignal;
  /** A row the server refused: chunk row index and the server's error (mapped to its source line). */
  reject(chunk: EncodedChunk, row: number, error: BadRowError): Promise<void>;
}

/** What one COPY of a window cost; counted so tests can show the work is linear. */
export interface RejectCopyStats {
  copies: number;
  rowsSent: number;
}

/** Sends a chunk, setting aside every row the server refuses; returns the rows loaded. */
export async function copyChunkWithRejects(
  job: RejectCopy,
  chunk: EncodedChunk,
  stats?: RejectCopyStats,
): Promise<number> {
  const { conn, signal } = job;
  let pending: Ranges = [[0, chunk.rows]];
  let window = chunk.rows;
  let loaded = 0;
  await conn.exec('savepoint haul_rows', { signal });
  while (pending.length > 0) {
    const [take, rest] = splitAt(pending, window);
    const size = count(take);
    if (stats) {
      stats.copies++;
      stats.rowsSent += size;
    }
    const refused = await attempt(job, chunk, take);
    if (!refused) {
      loaded += size;
      pending = rest;
      window *= 2;
      // A new savepoint for the next window, so a refusal there keeps what this one loaded.
      if (pending.length > 0) await conn.exec('release savepoint haul_rows; savepoint haul_rows', { signal });
      continue;
    }
    if (refused.at >= 0 || size === 1) {
      const at = Math.max(0, refused.at);
      const row = nth(take, at);
      await job.reject(chunk, row, refused.error);
      pending = [...without(take, row), ...rest];
      // The rows before the bad one passed the server's checks once: send them as the next window.
      window = at > 0 ? at : Math.max(1, window >> 1);
    } else {
      window = size >> 1; // no row named: halve until the window is the bad row
    }
  }
  await conn.exec('release savepoint haul_rows', { signal });
  return loaded;
}

/**
 * One COPY of `ranges`; on a refusal the savepoint is rolled back (and stays set) and the result says
 * which of the ranges' rows (0-based, -1 when the error names none) and why.
 */
async function attempt(
  job: RejectCopy,
  chunk: EncodedChunk,
  ranges: Ranges,
): Promise<{ at: number; error: BadRowError } | null> {
  const { conn } = job;
  const map = new CopyRowMap();
  let sent = false;
  try {
    await copyChunks(
      conn,
      job.sql,
      job.format,
      async () => {
        if (sent) return null;
        sent = true;
        return chunk;
      },
      job.signal,
      () => {},
      () => ranges,
      map,
    );
  } catch (error) {
    const server = serverError(error);
    if (!server) throw error;
    await conn.exec('rollback to savepoint haul_rows', { signal: job.signal });
    const line = copyErrorLine(server);
    let at = line === undefined ? -1 : map.rowAtLine(line);
    if (at < 0 && map.rows === 1) at = 0;
    const named = at >= 0 ? rowError(server, map, at) : null;
    const refused =
      named ??
      new BadRowError(
        `${server.serverMessage} (SQLSTATE ${server.code})`,
        { line: 0, sqlstate: server.code },
        { cause: server },
      );
    return { at, error: refused };
  }
  return null;
}

/** The server's refusal behind an error, unless it is a cancel (ours) or the connection died. */
function serverError(error: unknown): PostgresError | null {
  let at: unknown = error;
  for (let depth = 0; depth < 3 && at; depth++) {
    if (at instanceof PostgresError)
      return sqlStateClass(at.code) === SqlStateClass.OperatorIntervention ? null : at;
    at = (at as { cause?: unknown }).cause;
  }
  return null;
}

function count(ranges: Ranges): number {
  let n = 0;
  for (const [from, to] of ranges) n += to - from;
  return n;
}

/** The chunk row index of the n-th (0-based) row across `ranges`. */
function nth(ranges: Ranges, n: number): number {
  let left = n;
  for (const [from, to] of ranges) {
    if (left < to - from) return from + left;
    left -= to - from;
  }
  throw new RangeError(`row ${n} is outside the ranges`);
}

function without(ranges: Ranges, row: number): Ranges {
  const out: Ranges = [];
  for (const [from, to] of ranges) {
    if (row < from || row >= to) out.push([from, to]);
    else {
      if (row > from) out.push([from, row]);
      if (row + 1 < to) out.push([row + 1, to]);
    }
  }
  return out;
}

/** The first `n` rows of `ranges` and the rest. */
function splitAt(ranges: Ranges, n: number): [Ranges, Ranges] {
  const head: Ranges = [];
  const tail: Ranges = [];
  let left = n;
  for (const [from, to] of ranges) {
    if (left >= to - from) head.push([from, to]);
    else if (left <= 0) tail.push([from, to]);
    else {
      head.push([from, from + left]);
      tail.push([from + left, to]);
    }
    left -= to - from;
  }
  return [head, tail];
}
