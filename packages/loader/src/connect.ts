/**
 * Turns the connection options every loader entry takes (`url` + `connect`, or `connector`) into one
 * Connector, so the rest of the loader only ever asks for "a connection".
 */
import { AbortError, type Connection, type ConnectOptions } from '@haul/protocol';
import type { Connector } from './api.ts';
import { LoadConfigError } from './errors.ts';

export interface ConnectionOptions {
  url?: string | ConnectOptions;
  connect?: (options: string | ConnectOptions) => Promise<Connection>;
  connector?: Connector;
}

/**
 * `connector` wins (a pool, a proxy); otherwise `connect(url)`. Neither is a LoadConfigError that says
 * what to pass. The returned connector honours its signal even though `connect` takes none: an abort
 * rejects at once, and a connection that arrives after it is closed rather than leaked.
 */
export function resolveConnector(options: ConnectionOptions): Connector {
  if (options.connector) return options.connector;
  const { url, connect } = options;
  if (url === undefined && connect === undefined) {
    throw new LoadConfigError(
      'no way to connect: pass `connector`, or `url` with `connect` (e.g. from @haul/protocol/node)',
    );
  }
  if (url === undefined) throw new LoadConfigError('`connect` was given without a `url` to connect to');
  if (connect === undefined) {
    throw new LoadConfigError(
      '`url` was given without `connect`: pass the `connect` of a protocol adapter (e.g. @haul/protocol/node)',
    );
  }
  return (signal) => connectAbortably(() => connect(url), signal);
}

function connectAbortably(open: () => Promise<Connection>, signal?: AbortSignal): Promise<Connection> {
  if (!signal) return open();
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    open().then(
      (connection) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) {
          // Nobody is waiting for it any more: don't leave a session open on the server.
          void connection.close().catch(() => {});
          return;
        }
        settled = true;
        resolve(connection);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('connecting was aborted', { cause: signal.reason });
}
