/**
 * Backend (server → client) messages of protocol 3.0 as a discriminated union on `type`, and a
 * decoder from (type byte, body) to it. DataRow stays undecoded (`body` view, see the framer's
 * lifetime note); the connection decodes its fields straight into JS values with a per-column plan.
 */

import type { FieldInfo } from '../connection/api.ts';
import { type PostgresErrorFields, ProtocolError } from '../errors.ts';
import { SqlState } from '../sql-state.ts';
import { ReadError, Reader } from '../wire/reader.ts';

export const Tag = {
  Authentication: 0x52, // R
  BackendKeyData: 0x4b, // K
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  CommandComplete: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  CopyBothResponse: 0x57, // W
  DataRow: 0x44, // D
  EmptyQueryResponse: 0x49, // I
  ErrorResponse: 0x45, // E
  FunctionCallResponse: 0x56, // V
  NegotiateProtocolVersion: 0x76, // v
  NoData: 0x6e, // n
  NoticeResponse: 0x4e, // N
  NotificationResponse: 0x41, // A
  ParameterDescription: 0x74, // t
  ParameterStatus: 0x53, // S
  ParseComplete: 0x31, // 1
  PortalSuspended: 0x73, // s
  ReadyForQuery: 0x5a, // Z
  RowDescription: 0x54, // T
} as const;

export type Authentication =
  | { type: 'AuthenticationOk' }
  | { type: 'AuthenticationCleartextPassword' }
  | { type: 'AuthenticationMD5Password'; salt: Uint8Array }
  | { type: 'AuthenticationSASL'; mechanisms: string[] }
  | { type: 'AuthenticationSASLContinue'; data: string }
  | { type: 'AuthenticationSASLFinal'; data: string }
  | { type: 'AuthenticationUnsupported'; code: number };

export type TransactionStatus = 'I' | 'T' | 'E';

export type BackendMessage =
  | Authentication
  | { type: 'BackendKeyData'; processId: number; secretKey: number }
  | { type: 'BindComplete' }
  | { type: 'CloseComplete' }
  | { type: 'CommandComplete'; tag: string }
  | { type: 'CopyData'; data: Uint8Array }
  | { type: 'CopyDone' }
  | {
      type: 'CopyInResponse' | 'CopyOutResponse' | 'CopyBothResponse';
      format: 0 | 1;
      columnFormats: number[];
    }
  | { type: 'DataRow'; body: Uint8Array }
  | { type: 'EmptyQueryResponse' }
  | { type: 'ErrorResponse'; fields: PostgresErrorFields }
  | { type: 'FunctionCallResponse'; result: Uint8Array | null }
  | { type: 'NegotiateProtocolVersion'; newestMinor: number; unrecognized: string[] }
  | { type: 'NoData' }
  | { type: 'NoticeResponse'; fields: PostgresErrorFields }
  | { type: 'NotificationResponse'; processId: number; channel: string; payload: string }
  | { type: 'ParameterDescription'; typeOids: number[] }
  | { type: 'ParameterStatus'; name: string; value: string }
  | { type: 'ParseComplete' }
  | { type: 'PortalSuspended' }
  | { type: 'ReadyForQuery'; status: TransactionStatus }
  | { type: 'RowDescription'; fields: FieldInfo[] };

const BIND_COMPLETE = { type: 'BindComplete' } as const;
const PARSE_COMPLETE = { type: 'ParseComplete' } as const;
const CLOSE_COMPLETE = { type: 'CloseComplete' } as const;
const NO_DATA = { type: 'NoData' } as const;

/** Decodes one message. Throws ProtocolError for an unknown type or a malformed body. */
export function decodeBackend(type: number, body: Uint8Array): BackendMessage {
  try {
    return decode(type, body);
  } catch (error) {
    if (error instanceof ReadError) {
      throw new ProtocolError(`malformed ${tagName(type)} message: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function decode(type: number, body: Uint8Array): BackendMessage {
  const r = new Reader(body);
  switch (type) {
    case Tag.Authentication:
      return decodeAuthentication(r);
    case Tag.BackendKeyData:
      return { type: 'BackendKeyData', processId: r.i32(), secretKey: r.i32() };
    case Tag.BindComplete:
      return BIND_COMPLETE;
    case Tag.CloseComplete:
      return CLOSE_COMPLETE;
    case Tag.CommandComplete:
      return { type: 'CommandComplete', tag: r.cstring() };
    case Tag.CopyData:
      return { type: 'CopyData', data: body };
    case Tag.CopyDone:
      return { type: 'CopyDone' };
    case Tag.CopyInResponse:
    case Tag.CopyOutResponse:
    case Tag.CopyBothResponse: {
      const format = r.u8() === 1 ? 1 : 0;
      const n = r.i16();
      const columnFormats: number[] = [];
      for (let i = 0; i < n; i++) columnFormats.push(r.i16());
      const name =
        type === Tag.CopyInResponse
          ? 'CopyInResponse'
          : type === Tag.CopyOutResponse
            ? 'CopyOutResponse'
            : 'CopyBothResponse';
      return { type: name, format, columnFormats };
    }
    case Tag.DataRow:
      return { type: 'DataRow', body };
    case Tag.EmptyQueryResponse:
      return { type: 'EmptyQueryResponse' };
    case Tag.ErrorResponse:
      return { type: 'ErrorResponse', fields: decodeErrorFields(r) };
    case Tag.FunctionCallResponse: {
      const len = r.i32();
      return { type: 'FunctionCallResponse', result: len < 0 ? null : r.bytesView(len) };
    }
    case Tag.NegotiateProtocolVersion: {
      const newestMinor = r.i32();
      const n = r.i32();
      const unrecognized: string[] = [];
      for (let i = 0; i < n; i++) unrecognized.push(r.cstring());
      return { type: 'NegotiateProtocolVersion', newestMinor, unrecognized };
    }
    case Tag.NoData:
      return NO_DATA;
    case Tag.NoticeResponse:
      return { type: 'NoticeResponse', fields: decodeErrorFields(r) };
    case Tag.NotificationResponse:
      return { type: 'NotificationResponse', processId: r.i32(), channel: r.cstring(), payload: r.cstring() };
    case Tag.ParameterDescription: {
      const n = r.i16();
      const typeOids: number[] = [];
      for (let i = 0; i < n; i++) typeOids.push(r.u32());
      return { type: 'ParameterDescription', typeOids };
    }
    case Tag.ParameterStatus:
      return { type: 'ParameterStatus', name: r.cstring(), value: r.cstring() };
    case Tag.ParseComplete:
      return PARSE_COMPLETE;
    case Tag.PortalSuspended:
      return { type: 'PortalSuspended' };
    case Tag.ReadyForQuery: {
      const status = String.fromCharCode(r.u8());
      if (status !== 'I' && status !== 'T' && status !== 'E') {
        throw new ProtocolError(`ReadyForQuery with unknown transaction status '${status}'`);
      }
      return { type: 'ReadyForQuery', status };
    }
    case Tag.RowDescription:
      return { type: 'RowDescription', fields: decodeRowDescription(r) };
    default:
      throw new ProtocolError(`unknown backend message type ${tagName(type)}`);
  }
}

function decodeAuthentication(r: Reader): Authentication {
  const code = r.i32();
  switch (code) {
    case 0:
      return { type: 'AuthenticationOk' };
    case 3:
      return { type: 'AuthenticationCleartextPassword' };
    case 5:
      return { type: 'AuthenticationMD5Password', salt: r.bytesView(4).slice() };
    case 10: {
      const mechanisms: string[] = [];
      for (let m = r.cstring(); m !== ''; m = r.cstring()) mechanisms.push(m);
      return { type: 'AuthenticationSASL', mechanisms };
    }
    case 11:
      return { type: 'AuthenticationSASLContinue', data: r.restText() };
    case 12:
      return { type: 'AuthenticationSASLFinal', data: r.restText() };
    default:
      return { type: 'AuthenticationUnsupported', code };
  }
}

function decodeRowDescription(r: Reader): FieldInfo[] {
  const n = r.i16();
  const fields: FieldInfo[] = new Array(n);
  for (let i = 0; i < n; i++) {
    fields[i] = {
      name: r.cstring(),
      tableOid: r.u32(),
      columnAttr: r.i16(),
      typeOid: r.u32(),
      typeSize: r.i16(),
      typeModifier: r.i32(),
      format: r.i16() === 1 ? 1 : 0,
    };
  }
  return fields;
}

const ERROR_FIELD_NAMES: Record<string, keyof PostgresErrorFields> = {
  S: 'severity',
  V: 'severity', // non-localized severity wins over S when both are present
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

/** ErrorResponse / NoticeResponse fields, keyed by their PostgreSQL names. */
export function decodeErrorFields(r: Reader): PostgresErrorFields {
  const out: Record<string, string | number> = {};
  for (let code = r.u8(); code !== 0; code = r.u8()) {
    const value = r.cstring();
    const key = ERROR_FIELD_NAMES[String.fromCharCode(code)];
    if (key === undefined) continue; // unknown fields are allowed by the protocol and ignored
    if (code === 0x53 /* S */ && out.severity !== undefined) continue;
    out[key] = key === 'position' || key === 'internalPosition' || key === 'line' ? Number(value) : value;
  }
  return {
    ...out,
    severity: String(out.severity ?? 'ERROR'),
    code: String(out.code ?? SqlState.InternalError),
    message: String(out.message ?? '(no message)'),
  } as PostgresErrorFields;
}

export function tagName(type: number): string {
  return type >= 0x20 && type < 0x7f
    ? `'${String.fromCharCode(type)}'`
    : `0x${type.toString(16).padStart(2, '0')}`;
}
