/**
 * Connection settings: parses `postgres://` / `postgresql://` URLs and option objects into one
 * resolved config, with every default in one place. Bad input is a ConfigError before any I/O.
 */
import { ConfigError } from '../errors.ts';
import type { TypeOptions, TypeRegistry } from '../types/registry.ts';

export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-full';
const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface ConnectOptions {
  /** A `postgres://user:password@host:port/database?sslmode=…` URL; the other fields override it. */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  sslmode?: SslMode;
  /** Extra CA certificates (PEM) for verify-full, where the socket adapter supports it. */
  ca?: string | string[];
  applicationName?: string;
  /** Server `options` startup parameter, e.g. `-c search_path=app`. */
  options?: string;
  /** Extra startup parameters (e.g. `{ TimeZone: 'UTC' }`). */
  params?: Record<string, string>;
  /** Milliseconds to establish the connection, TLS and auth included. Default 10 000. */
  connectTimeout?: number;
  /** Default per-query timeout in ms (0: none unless a query passes one). */
  queryTimeout?: number;
  /** After a CancelRequest, ms to wait for the server before destroying the connection. Default 5 000. */
  cancelGrace?: number;
  /** Milliseconds `close()` waits for a graceful shutdown. Default 5 000. */
  closeTimeout?: number;
  /** Milliseconds a request may wait behind a COPY that holds the connection (0: no limit). Default 60 000. */
  busyTimeout?: number;
  /** Cap on statements written but not yet answered. Default 10 000. */
  maxInFlightStatements?: number;
  /** Cap on request bytes written but not yet answered. Default 8 MiB. */
  maxInFlightBytes?: number;
  /** Largest backend message accepted. Default 256 MiB. */
  maxMessageSize?: number;
  /** Prepared statements kept per connection. Default 256. */
  statementCacheSize?: number;
  /** Auto-sync tuning (see README). */
  autoSync?: Partial<AutoSyncOptions>;
  /**
   * How text-format results decode: options for the built-in types (int8, dates, json), or a
   * TypeRegistry of your own with custom types registered (enums, ranges, extension types). Types
   * registered on it after connecting apply to statements described from then on.
   */
  types?: Partial<TypeOptions> | TypeRegistry;
  onNotice?: (notice: import('../errors.ts').PostgresErrorFields) => void;
  onNotification?: (n: { processId: number; channel: string; payload: string }) => void;
}

export interface AutoSyncOptions {
  /** A Sync after this many statements. */
  maxStatements: number;
  /** A Sync after a statement whose messages are larger than this. */
  largeStatementBytes: number;
  /** false: a Sync after every write (drogon's rule); true: consecutive writes share a segment. */
  groupWrites: boolean;
}

export interface ResolvedConfig {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  sslmode: SslMode;
  ca: string | string[] | undefined;
  startupParams: Record<string, string>;
  connectTimeout: number;
  queryTimeout: number;
  cancelGrace: number;
  closeTimeout: number;
  busyTimeout: number;
  maxInFlightStatements: number;
  maxInFlightBytes: number;
  maxMessageSize: number;
  statementCacheSize: number;
  autoSync: AutoSyncOptions;
  types: Partial<TypeOptions> | TypeRegistry;
  onNotice: ConnectOptions['onNotice'];
  onNotification: ConnectOptions['onNotification'];
}

function parseUrl(url: string): ConnectOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `invalid connection string: not a URL (expected postgres://user:password@host:port/db)`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      `invalid connection string: scheme '${parsed.protocol}' (expected postgres: or postgresql:)`,
    );
  }
  const out: ConnectOptions = {};
  const host = decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host) out.host = host;
  if (parsed.port) out.port = Number(parsed.port);
  if (parsed.username) out.user = decodeURIComponent(parsed.username);
  if (parsed.password) out.password = decodeURIComponent(parsed.password);
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (db) out.database = db;
  const params: Record<string, string> = {};
  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case 'sslmode':
        out.sslmode = checkSslMode(value);
        break;
      case 'application_name':
        out.applicationName = value;
        break;
      case 'options':
        out.options = value;
        break;
      case 'connect_timeout':
        out.connectTimeout = positiveNumber(value, key) * 1000;
        break;
      case 'host':
        out.host = value;
        break;
      case 'port':
        out.port = Number(value);
        break;
      case 'user':
        out.user = value;
        break;
      case 'password':
        out.password = value;
        break;
      case 'dbname':
        out.database = value;
        break;
      default:
        params[key] = value;
    }
  }
  if (Object.keys(params).length > 0) out.params = params;
  return out;
}

function checkSslMode(value: string): SslMode {
  if (!SSL_MODES.includes(value)) {
    throw new ConfigError(`unknown sslmode '${value}' (use disable, prefer, require or verify-full)`);
  }
  // libpq's allow behaves like prefer for us; verify-ca is served by verify-full (stricter, never weaker).
  if (value === 'allow') return 'prefer';
  if (value === 'verify-ca') return 'verify-full';
  return value as SslMode;
}

function positiveNumber(value: string, key: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new ConfigError(`${key} must be a non-negative number, got '${value}'`);
  return n;
}

export function resolveConfig(input: string | ConnectOptions): ResolvedConfig {
  const fromObject = typeof input === 'string' ? { url: input } : input;
  const merged: ConnectOptions = {
    ...(fromObject.url ? parseUrl(fromObject.url) : {}),
    ...stripUndefined(fromObject),
  };
  const port = merged.port ?? 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`invalid port '${merged.port}'`);
  if (merged.sslmode !== undefined) merged.sslmode = checkSslMode(merged.sslmode);
  const user = merged.user ?? 'postgres';
  const startupParams: Record<string, string> = {
    user,
    database: merged.database ?? user,
    client_encoding: 'UTF8',
    DateStyle: 'ISO, MDY',
    ...merged.params,
  };
  if (merged.applicationName) startupParams.application_name = merged.applicationName;
  if (merged.options) startupParams.options = merged.options;
  return {
    host: merged.host ?? 'localhost',
    port,
    user,
    password: merged.password,
    database: startupParams.database!,
    sslmode: merged.sslmode ?? 'prefer',
    ca: merged.ca,
    startupParams,
    connectTimeout: merged.connectTimeout ?? 10_000,
    queryTimeout: merged.queryTimeout ?? 0,
    cancelGrace: merged.cancelGrace ?? 5_000,
    closeTimeout: merged.closeTimeout ?? 5_000,
    busyTimeout: merged.busyTimeout ?? 60_000,
    maxInFlightStatements: merged.maxInFlightStatements ?? 10_000,
    maxInFlightBytes: merged.maxInFlightBytes ?? 8 * 1024 * 1024,
    maxMessageSize: merged.maxMessageSize ?? 256 * 1024 * 1024,
    statementCacheSize: merged.statementCacheSize ?? 256,
    autoSync: { maxStatements: 1000, largeStatementBytes: 64 * 1024, groupWrites: true, ...merged.autoSync },
    types: merged.types ?? {},
    onNotice: merged.onNotice,
    onNotification: merged.onNotification,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'url'),
  ) as Partial<T>;
}
