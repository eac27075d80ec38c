/**
 * Wires a request's AbortSignal and timeout to one callback, and gives its statements a cleanup that
 * detaches both once the last of them settles. Timers exist only for requests that ask for them.
 */
import { AbortError, TimeoutError } from '../errors.ts';
import type { QueryOptions } from './api.ts';
import { settleWith } from './pipeline.ts';
import type { Unit } from './request-encoder.ts';

/** Returns false (having rejected every statement) when the signal has already fired. */
export function watchUnit(
  unit: Unit,
  options: QueryOptions,
  defaultTimeout: number,
  abortUnit: (unit: Unit, reason: Error) => void,
): boolean {
  const { statements } = unit;
  const timeout = options.timeout ?? defaultTimeout;
  const { signal } = options;
  if (signal?.aborted) {
    for (const st of statements)
      settleWith(st, new AbortError('query aborted before it was sent', { cause: signal.reason }));
    return false;
  }
  // The common case allocates nothing: no closure exists for a query with neither.
  if (!signal && !(timeout > 0)) return true;
  const abort = (reason: Error) => abortUnit(unit, reason);
  const onAbort = () => abort(new AbortError('query aborted', { cause: signal?.reason }));
  const timer =
    timeout > 0
      ? setTimeout(() => abort(new TimeoutError(`query timed out after ${timeout} ms`, 'query')), timeout)
      : undefined;
  signal?.addEventListener('abort', onAbort, { once: true });
  let remaining = statements.length;
  const cleanup = () => {
    if (--remaining > 0) return;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  for (const st of statements) st.cleanup = cleanup;
  return true;
}
