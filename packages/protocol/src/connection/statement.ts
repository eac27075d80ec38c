/**
 * One statement on its way through the pipeline: what was sent for it, what has come back, and how
 * its promise settles. Also the per-column decode plan and the DataRow decoder that uses it.
 */
import { type PostgresError, ProtocolError, type ResultLimitError } from '../errors.ts';
import type { FieldDecoder, TypeRegistry } from '../types/registry.ts';
import type { FieldInfo, QueryResult, SyncPolicy } from './api.ts';
import type { ResultBudget } from './result-budget.ts';

/** Decoders and keys chosen once per RowDescription and reused for every row. */
export interface RowPlan {
  fields: FieldInfo[];
  names: string[];
  decoders: FieldDecoder[];
  /** The registry's version the decoders were chosen at: a cached plan is redone once it moves on. */
  version: number;
}

export function planRows(fields: FieldInfo[], registry: TypeRegistry): RowPlan {
  return {
    fields,
    names: fields.map((f) => f.name),
    decoders: fields.map((f) => registry.decoder(f.typeOid)),
    version: registry.version,
  };
}

/**
 * Shared empty lists every statement starts with: `append` replaces them at the first item, so they
 * are never written to (frozen to be sure), and a statement that gets none allocates none. They are
 * never handed to a caller, who might push onto them (see Pipeline.complete).
 */
export const NO_ROWS: unknown[] = Object.freeze([]) as unknown as unknown[];
export const NO_RESULTS: QueryResult[] = Object.freeze([]) as unknown as QueryResult[];

/** The parameters of a statement that has none, shared. */
export const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** No columns: no decoder to go stale, so any version will do. */
export const NO_COLUMNS: RowPlan = { fields: [], names: [], decoders: [], version: -1 };

/** A named server-side prepared statement, reused by later executions of the same SQL. */
export interface CachedStatement {
  name: string;
  /** Its key in the StatementCache. */
  key: string;
  /** Set at its ParseComplete; executions bound to it before then are its dependents. */
  parsed: boolean;
  /** Its Parse opened a Sync segment, so it cannot be skipped: dependents may bind to it before it is parsed. */
  anchored: boolean;
  /** The server refused its Parse (see Pipeline's parseOutcome for what its dependents get). */
  parseError: PostgresError | null;
  /**
   * Taken out of the cache before its Parse was answered (a statement that may end a transaction was
   * queued after it, see StatementCache.fence): once parsed it is Closed, since nothing else will.
   */
  fenced: boolean;
  /** Its text may end a transaction (see mayEndTransaction), classified once when it was created. */
  endsTransaction: boolean;
  /** From the Describe sent with its Parse; an execution takes it at its BindComplete. */
  plan: RowPlan | null;
}

/** Receives the copy phase of a COPY statement. `data`'s view is valid only during the call. */
export interface CopySink {
  readonly direction: 'in' | 'out';
  started(format: 0 | 1, columnFormats: number[]): void;
  /**
   * One CopyData payload at `bytes[start, end)`. `owned`: `bytes` is a socket read handed over (see
   * SocketHandlers), which the sink may keep and rewrite where it was already consumed (before
   * `start`); otherwise it is valid only during the call.
   */
  data(bytes: Uint8Array, start: number, end: number, owned: boolean): void;
  done(): void;
  failed(error: PostgresError): void;
}

export interface PendingStatement {
  kind: 'extended' | 'simple' | 'copy';
  /** For COPY: where the copy-phase messages go. */
  copy: CopySink | null;
  sql: string;
  /** The caller's parameters, kept until it settles: an execution that did not run may be sent again. */
  params: readonly unknown[];
  policy: SyncPolicy;
  rowMode: 'object' | 'array';
  /** The prepared statement this execution created (its Parse was sent with this one). */
  creates: CachedStatement | null;
  /** The prepared statement this execution used or created (null: unnamed statement). */
  uses: CachedStatement | null;
  /**
   * Statements this execution's messages Close (evicted from the cache) whose CloseComplete has not
   * come yet; those left when it settles were skipped by the server and are closed again later.
   */
  closes: string[] | null;
  /** Bytes of its messages, counted against the in-flight cap until it settles. */
  bytes: number;
  plan: RowPlan | null;
  rows: unknown[];
  /** The caller's `limits` (shared by a batch's statements), or null. */
  budget: ResultBudget | null;
  /** DataRow bytes behind `rows`, counted against the budget. */
  keptBytes: number;
  /** Set once the rows crossed the budget: the statement then settles with it instead of a result. */
  limitError: ResultLimitError | null;
  /** Results of a simple query, one per statement in its text. */
  results: QueryResult[];
  /** The result of an extended statement or COPY, once its CommandComplete came. */
  result: QueryResult | null;
  error: PostgresError | null;
  /** Set once the caller's signal or timeout fired; the error it will settle with if the server cancels. */
  abortReason: Error | null;
  cancelSent: boolean;
  /** Its BindComplete came: from there on a failure is its own execution's. */
  bound: boolean;
  /**
   * It failed at its Bind because the cached statement it named was not there, for a reason that was
   * not its own (see Pipeline's parseOutcome): nothing of it ran.
   */
  notRun: boolean;
  /** It has been sent again once after not running; a second time it settles with the error. */
  retried: boolean;
  settled: boolean;
  resolve: (value: QueryResult | QueryResult[]) => void;
  reject: (reason: Error) => void;
  /** Detaches the abort listener and clears the timer. */
  cleanup: () => void;
}

/** Decodes one DataRow body, `body[start, end)`, with the statement's plan. */
export function decodeRow(
  plan: RowPlan,
  rowMode: 'object' | 'array',
  body: Uint8Array,
  start = 0,
  end = body.length,
): unknown {
  if (end - start < 2) throw new ProtocolError('DataRow truncated in its field count');
  const count = (body[start]! << 8) | body[start + 1]!;
  const { decoders, names } = plan;
  if (count !== decoders.length) {
    throw new ProtocolError(`DataRow has ${count} fields but RowDescription announced ${decoders.length}`);
  }
  let pos = start + 2;
  const row: unknown[] | Record<string, unknown> = rowMode === 'array' ? new Array(count) : {};
  for (let i = 0; i < count; i++) {
    if (pos + 4 > end) throw new ProtocolError('DataRow truncated in a field length');
    const len = (body[pos]! << 24) | (body[pos + 1]! << 16) | (body[pos + 2]! << 8) | body[pos + 3]!;
    pos += 4;
    let value: unknown = null;
    if (len >= 0) {
      if (pos + len > end) throw new ProtocolError(`DataRow field ${i} of ${len} bytes overruns the message`);
      value = decoders[i]!(body, pos, pos + len);
      pos += len;
    }
    if (rowMode === 'array') (row as unknown[])[i] = value;
    else (row as Record<string, unknown>)[names[i]!] = value;
  }
  return row;
}

export function newStatement(
  sql: string,
  params: readonly unknown[],
  rowMode: 'object' | 'array' | undefined,
  resolve: (value: unknown) => void,
  reject: (reason: Error) => void,
): PendingStatement {
  return {
    kind: 'extended',
    copy: null,
    sql,
    params,
    policy: 'independent',
    rowMode: rowMode ?? 'object',
    creates: null,
    uses: null,
    closes: null,
    bytes: 0,
    plan: null,
    rows: NO_ROWS,
    budget: null,
    keptBytes: 0,
    limitError: null,
    results: NO_RESULTS,
    result: null,
    error: null,
    abortReason: null,
    cancelSent: false,
    bound: false,
    notRun: false,
    retried: false,
    settled: false,
    resolve,
    reject,
    cleanup: noop,
  };
}

function noop(): void {}

/**
 * Where captureSettlers leaves the resolve/reject of the promise just made; read at once. A shared
 * executor instead of an arrow per query: at 20k pipelined queries each arrow and its context were
 * garbage the scavenger had to walk.
 */
export const settlers: { resolve: (value: unknown) => void; reject: (reason: Error) => void } = {
  resolve: noop,
  reject: noop,
};

/** A Promise executor that keeps nothing: `new Promise(captureSettlers)`, then read `settlers`. */
export function captureSettlers(resolve: (value: never) => void, reject: (reason: Error) => void): void {
  settlers.resolve = resolve as (value: unknown) => void;
  settlers.reject = reject;
}

/** Clears what its first sending left, keeping the caller's side (promise, watch, params), to send it again. */
export function resetForRetry(st: PendingStatement): void {
  st.retried = true;
  st.notRun = false;
  st.bound = false;
  st.creates = null;
  st.uses = null;
  st.closes = null;
  st.bytes = 0;
  st.plan = null;
  st.error = null;
  st.result = null;
}
