/**
 * Frontend (client → server) message encoders, one per message of protocol 3.0
 * (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 *
 * Each appends one message to a Writer the caller owns and returns nothing; no I/O happens here.
 */

import { beginCopyData, endCopyData } from '../copy/pgcopy.ts';
import type { Writer } from '../wire/writer.ts';

/**
 * The type byte of each frontend message; public for code that reads a client's stream (an
 * in-process server such as PGlite behind a socket).
 */
export const FrontendTag = {
  Bind: 0x42, // B
  Close: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  Describe: 0x44, // D
  Execute: 0x45, // E
  Flush: 0x48, // H
  Parse: 0x50, // P
  Password: 0x70, // p (SASL responses too)
  Query: 0x51, // Q
  Sync: 0x53, // S
  Terminate: 0x58, // X
} as const;

/** The code after the length of a first packet, which has no type byte: what the packet asks for. */
export const StartupCode = {
  Protocol30: 196608,
  SslRequest: 80877103,
  CancelRequest: 80877102,
} as const;

/** StartupMessage: protocol version and parameters (user, database, application_name, options, …). */
export function startup(w: Writer, params: Record<string, string>): void {
  const at = w.begin();
  w.i32(StartupCode.Protocol30);
  for (const [key, value] of Object.entries(params)) {
    w.cstring(key, 'startup parameter name');
    w.cstring(value, `startup parameter ${key}`);
  }
  w.u8(0);
  w.end(at);
}

/** SSLRequest: asks the server to switch to TLS; it answers with one byte, 'S' or 'N'. */
export function sslRequest(w: Writer): void {
  w.i32(8).i32(StartupCode.SslRequest);
}

/** CancelRequest, sent on a fresh connection of its own. */
export function cancelRequest(w: Writer, processId: number, secretKey: number): void {
  w.i32(16).i32(StartupCode.CancelRequest).i32(processId).i32(secretKey);
}

/** PasswordMessage (cleartext or md5-hashed). */
export function password(w: Writer, text: string): void {
  const at = w.begin(FrontendTag.Password);
  w.cstring(text, 'password');
  w.end(at);
}

/** SASLInitialResponse. */
export function saslInitialResponse(w: Writer, mechanism: string, data: string): void {
  const at = w.begin(FrontendTag.Password);
  w.cstring(mechanism);
  const len = w.beginValue();
  w.text(data);
  w.endValue(len);
  w.end(at);
}

/** SASLResponse. */
export function saslResponse(w: Writer, data: string): void {
  const at = w.begin(FrontendTag.Password);
  w.text(data);
  w.end(at);
}

/** Query (simple query protocol); may hold several statements. */
export function query(w: Writer, sql: string): void {
  const at = w.begin(FrontendTag.Query);
  w.cstring(sql, 'query text');
  w.end(at);
}

/** Parse: `name` '' is the unnamed statement. `paramTypes` 0 lets the server infer a parameter's type. */
export function parse(w: Writer, name: string, sql: string, paramTypes: readonly number[]): void {
  const at = w.begin(FrontendTag.Parse);
  w.cstring(name);
  w.cstring(sql, 'query text');
  w.i16(paramTypes.length);
  for (const oid of paramTypes) w.i32(oid);
  w.end(at);
}

/**
 * Writes one parameter value (already serialized to text, or raw binary) into a Bind being built.
 * Writing straight into the message avoids a buffer per parameter.
 */
export type ParamWriter = (w: Writer, index: number) => void;

/**
 * Bind with every parameter in text format and every result column in text format.
 * `values[i]` null is SQL NULL.
 */
export function bindText(
  w: Writer,
  portal: string,
  statement: string,
  values: readonly (string | null)[],
): void {
  const at = w.begin(FrontendTag.Bind);
  w.cstring(portal);
  w.cstring(statement);
  w.i16(0); // all parameters text
  w.i16(values.length);
  for (const value of values) {
    if (value === null) {
      w.i32(-1);
      continue;
    }
    const len = w.beginValue();
    w.text(value);
    w.endValue(len);
  }
  w.i16(0); // all results text
  w.end(at);
}

/** Describe a statement ('S') or a portal ('P'). */
export function describe(w: Writer, kind: 'S' | 'P', name: string): void {
  const at = w.begin(FrontendTag.Describe);
  w.u8(kind.charCodeAt(0));
  w.cstring(name);
  w.end(at);
}

/** Execute a portal; `maxRows` 0 means all rows. */
export function execute(w: Writer, portal: string, maxRows = 0): void {
  const at = w.begin(FrontendTag.Execute);
  w.cstring(portal);
  w.i32(maxRows);
  w.end(at);
}

/** Close a statement ('S') or a portal ('P'). */
export function close(w: Writer, kind: 'S' | 'P', name: string): void {
  const at = w.begin(FrontendTag.Close);
  w.u8(kind.charCodeAt(0));
  w.cstring(name);
  w.end(at);
}

/** CopyData carrying `data`. */
export function copyData(w: Writer, data: Uint8Array): void {
  const at = beginCopyData(w);
  w.raw(data);
  endCopyData(w, at);
}

/** CopyFail with a reason the server puts in its error. */
export function copyFail(w: Writer, reason: string): void {
  const at = w.begin(FrontendTag.CopyFail);
  w.cstring(reason.replaceAll('\0', ''));
  w.end(at);
}

// Fixed messages are constants: they are sent often and never change.
export const SYNC = Uint8Array.of(FrontendTag.Sync, 0, 0, 0, 4);
export const FLUSH = Uint8Array.of(FrontendTag.Flush, 0, 0, 0, 4);
export const TERMINATE = Uint8Array.of(FrontendTag.Terminate, 0, 0, 0, 4);
export const COPY_DONE = Uint8Array.of(FrontendTag.CopyDone, 0, 0, 0, 4);
