/**
 * onError 'reject' on the server side: each chunk goes in its own COPY under a savepoint. When the
 * server refuses a row, the savepoint is rolled back and the chunk resent without it — found directly
 * from the error's "line N" when the server names one, else by bisection (halves, recursively, down to
 * the single bad row). Good rows are never lost; each bad one is reported once with its source line.
 */
import { type Connection, PostgresError } from '@haul/protocol';
import { BadRowError } from '../errors.ts';
import type { EncodedChunk } from './chunk.ts';
import { copyErrorLocation } from './copy-frames.ts';
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

/** Sends a chunk, setting aside every row the server refuses; returns the rows loaded. */
export async function copyChunkWithRejects(job: RejectCopy, chunk: EncodedChunk): Promise<number> {
  return solve(job, chunk, [[0, chunk.rows]]);
}

async function solve(job: RejectCopy, chunk: EncodedChunk, ranges: Ranges): Promise<number> {
  const total = count(ranges);
  if (total === 0) return 0;
  const error = await attempt(job, chunk, ranges);
  if (!error) return total;
  const named = copyErrorLocation(error.server);
  if (named && named.row >= 1 && named.row <= total) {
    const row = nth(ranges, named.row - 1);
    await job.reject(chunk, row, error.mapped);
    return solve(job, chunk, without(ranges, row));
  }
  if (total === 1) {
    await job.reject(chunk, ranges[0]![0], error.mapped);
    return 0;
  }
  const [left, right] = halves(ranges, Math.floor(total / 2));
  return (await solve(job, chunk, left)) + (await solve(job, chunk, right));
}

/** One COPY of `ranges` under a savepoint; the server's error if it refused, else null. */
async function attempt(
  job: RejectCopy,
  chunk: EncodedChunk,
  ranges: Ranges,
): Promise<{ server: PostgresError; mapped: BadRowError } | null> {
  const { conn } = job;
  await conn.exec('savepoint haul_rows');
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
    );
  } catch (error) {
    const server = serverError(error);
    if (!server) throw error;
    await conn.exec('rollback to savepoint haul_rows');
    const mapped =
      error instanceof BadRowError
        ? error
        : new BadRowError(
            `${server.serverMessage} (SQLSTATE ${server.code})`,
            { line: 0, sqlstate: server.code },
            { cause: server },
          );
    return { server, mapped };
  }
  await conn.exec('release savepoint haul_rows');
  return null;
}

/** The server's refusal behind an error, unless it is a cancel (ours) or the connection died. */
function serverError(error: unknown): PostgresError | null {
  let at: unknown = error;
  for (let depth = 0; depth < 3 && at; depth++) {
    if (at instanceof PostgresError) return at.code === '57014' || at.code.startsWith('57P') ? null : at;
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

function halves(ranges: Ranges, n: number): [Ranges, Ranges] {
  const split = nth(ranges, n);
  const left: Ranges = [];
  const right: Ranges = [];
  for (const [from, to] of ranges) {
    if (to <= split) left.push([from, to]);
    else if (from >= split) right.push([from, to]);
    else {
      left.push([from, split]);
      right.push([split, to]);
    }
  }
  return [left, right];
}
