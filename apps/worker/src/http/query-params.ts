/**
 * Query-parameter parsing for load and export: each refusal is a 400 naming the parameter and
 * what it accepts, so a curl user can fix the URL without reading the source.
 */
import { HttpError } from './error-body.ts';

/** Reads one query parameter; `N` names the parameters a route knows (its contract's). */
export type Query<N extends string = string> = (name: N) => string | undefined;

export function oneOf<N extends string, T extends string>(
  query: Query<N>,
  name: N,
  allowed: readonly T[],
): T | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new HttpError(
      400,
      `query parameter ${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw)}`,
    );
  }
  return raw as T;
}

export function bool<N extends string>(query: Query<N>, name: N): boolean | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new HttpError(400, `query parameter ${name} must be true or false; got ${JSON.stringify(raw)}`);
}

export function positiveInt<N extends string>(query: Query<N>, name: N): number | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new HttpError(
      400,
      `query parameter ${name} must be a positive integer; got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** 0 or more (maxRejects=0: the first rejected row fails the load). */
export function wholeNumber<N extends string>(query: Query<N>, name: N): number | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new HttpError(400, `query parameter ${name} must be a whole number; got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** One character (a delimiter); `\t` and `tab` are accepted since a raw tab is awkward in a URL. */
export function singleChar<N extends string>(query: Query<N>, name: N): string | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = raw === '\\t' || raw === 'tab' ? '\t' : raw;
  if (value.length !== 1) {
    throw new HttpError(
      400,
      `query parameter ${name} must be a single character; got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

export function nameList<N extends string>(query: Query<N>, name: N): string[] | undefined {
  const raw = query(name);
  if (raw === undefined || raw === '') return undefined;
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) {
    throw new HttpError(400, `query parameter ${name} must be a comma-separated list of column names`);
  }
  return names;
}

/**
 * A connection count (shards, partitions) within the deployment's cap. Refused rather than clamped:
 * on Workers the cap is the per-request socket limit, and queueing past it would deadlock.
 */
export function connectionCount<N extends string>(
  query: Query<N>,
  name: N,
  maxShards: number,
): number | undefined {
  const value = positiveInt(query, name);
  if (value !== undefined && value > maxShards) {
    throw new HttpError(
      400,
      `query parameter ${name}=${value} exceeds this deployment's cap of ${maxShards} connections per ` +
        'request (HAUL_MAX_SHARDS); use at most that many',
    );
  }
  return value;
}
