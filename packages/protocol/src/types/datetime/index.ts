/**
 * The date/time family: text decoders for query results (text-decode.ts), binary codecs (binary.ts),
 * FromText converters (*-from-text.ts), all reading text with one parser (parse.ts) and counting days
 * with one calendar (calendar.ts). `zoneRules` gives the session zone a timestamptz/timetz converter
 * needs.
 */
export {
  dateCodec,
  dateStringCodec,
  timeCodec,
  timestampCodec,
  timestampMicros,
  timestampStringCodec,
  timestamptzCodec,
  timestamptzStringCodec,
} from './binary.ts';
export { dateConverter } from './date-from-text.ts';
export { encodeTimestamptz } from './format.ts';
export { decodeDate, decodeTimestamp, decodeTimestamptz } from './text-decode.ts';
export { timeConverter } from './time-from-text.ts';
export { type ZoneRules, zoneRules } from './time-zone.ts';
export { timestampConverter } from './timestamp-from-text.ts';
