/**
 * Awaiting a runtime's connect that cannot itself be cancelled (Bun.connect, Deno.connect, Workers'
 * `opened`) while honouring the caller's AbortSignal: abort rejects at once, and a connection that
 * arrives afterwards is discarded instead of leaking. Failures become typed errors.
 */
import { AbortError, ConnectionError } from '../errors.ts';

export async function connectAbortably<T>(
  where: string,
  signal: AbortSignal | undefined,
  connecting: Promise<T>,
  discard: (late: T) => void,
): Promise<T> {
  if (signal?.aborted) {
    connecting.then(discard, () => {});
    throw new AbortError(`connecting to ${where} was aborted`, { cause: signal.reason });
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      connecting.then(discard, () => {});
      reject(new AbortError(`connecting to ${where} was aborted`, { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([connecting, aborted]);
  } catch (error) {
    if (error instanceof AbortError) throw error;
    throw new ConnectionError(`could not connect to ${where}: ${(error as Error).message}`, false, {
      cause: error,
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
