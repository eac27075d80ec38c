/**
 * @haul/protocol — a runtime-agnostic PostgreSQL wire-protocol client core.
 *
 * This entry has no runtime imports: pick an adapter entry (`@haul/protocol/node`, `/websocket`,
 * `/cloudflare`, `/deno`, `/bun`) for a ready `connect`, or pass your own SocketFactory to `connectWith`.
 */
export type {
  BatchOptions,
  BatchOutcome,
  ExtendedQueryOptions,
  FieldInfo,
  QueryOptions,
  QueryResult,
  ResultLimits,
  Statement,
  SyncPolicy,
} from './connection/api.ts';
export type { AutoSyncOptions, ConnectOptions, SslMode } from './connection/config.ts';
export { resolveConfig } from './connection/config.ts';
export { connectWith } from './connection/connect.ts';
export { Connection } from './connection/connection.ts';
export type { Transaction, TransactionOptions } from './connection/transaction.ts';
export { mayWrite } from './connection/write-classifier.ts';
export { BinaryCopyDecoder } from './copy/binary-decoder.ts';
export { BinaryCopyEncoder, type CopyColumn, CopyEncodeError } from './copy/binary-encoder.ts';
export type { CopySource } from './copy/copy-in.ts';
export { CopyOut } from './copy/copy-out.ts';
export { copyInRows, copyOutRows, encodeRows, type RowSource } from './copy/rows.ts';
export { type CopyErrorContext, copyErrorContext, copyErrorLine } from './copy-error-context.ts';
export {
  AbortError,
  AuthError,
  BatchError,
  ConfigError,
  ConnectionClosedError,
  ConnectionError,
  EncodeError,
  HaulError,
  PostgresError,
  type PostgresErrorFields,
  ProtocolError,
  ResultLimitError,
  StatementNotRunError,
  TimeoutError,
  TransactionError,
} from './errors.ts';
export { FrontendTag, StartupCode } from './messages/frontend.ts';
export type {
  ByteSocket,
  SocketConnectOptions,
  SocketFactory,
  SocketHandlers,
  TlsOptions,
} from './socket.ts';
export { type KnownSqlState, SqlState, SqlStateClass, sqlStateClass } from './sql-state.ts';
export type { FromText } from './types/from-text.ts';
export {
  builtinTypes,
  type FieldDecoder,
  type TypeDefinition,
  type TypeEntry,
  type TypeOptions,
  TypeRegistry,
} from './types/registry.ts';
export { type BinaryCodec, UnsupportedTypeError, ValueError } from './types/shared/codec.ts';
export { Writer } from './wire/writer.ts';
