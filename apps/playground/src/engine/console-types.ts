/**
 * How the SQL console decodes result values, in both modes: the protocol's decoders with these options
 * over the WebSocket (ws-sql.ts), and the same decoders run on PGlite's text (offline/values.ts). Text
 * wherever a JS value would change what the server said, as psql shows it: int8 past 2^53, json
 * numbers (JSON.parse rounds 9007199254740993 and makes 1e999 Infinity), and dates (a Date keeps
 * milliseconds, shifts a timestamp without time zone, and cannot hold year 294276).
 */
import type { TypeOptions } from '@haul/protocol';

export const CONSOLE_TYPES: Readonly<TypeOptions> = Object.freeze({
  int8: 'string',
  dates: 'string',
  json: 'string',
});
