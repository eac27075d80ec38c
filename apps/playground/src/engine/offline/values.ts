/**
 * Query results on PGlite decoded as the worker-mode console decodes them (console-types.ts), so both
 * modes show the same values: for the types where PGlite's own parsing differs from the protocol's
 * (int8 as a number or bigint, json parsed, dates as Date), PGlite hands its text to the protocol's
 * decoder instead. The other types (numbers, NaN and ±Infinity included, numeric as text, bool,
 * bytea as Uint8Array, text) already come out the same.
 */
import type { ParserOptions } from '@electric-sql/pglite';
import { ArrayOid, Oid, TypeRegistry } from '@haul/protocol/types';
import { CONSOLE_TYPES } from '../console-types.ts';

/** int8, json, jsonb, date, timestamp, timestamptz, and the array types of each. */
const DECODED_BY_PROTOCOL = (['int8', 'json', 'jsonb', 'date', 'timestamp', 'timestamptz'] as const).flatMap(
  (name) => [Oid[name], ArrayOid[name]],
);

const registry = new TypeRegistry(CONSOLE_TYPES);
const encoder = new TextEncoder();

function protocolParser(oid: number): (text: string) => unknown {
  const decode = registry.decoder(oid);
  return (text) => {
    const bytes = encoder.encode(text);
    return decode(bytes, 0, bytes.length);
  };
}

/** Per-type parsers for PGlite queries. */
export const RESULT_PARSERS: ParserOptions = Object.fromEntries(
  DECODED_BY_PROTOCOL.map((oid) => [oid, protocolParser(oid)]),
);
