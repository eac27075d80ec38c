/**
 * The narrowest SQL type one sample value fits, and how two such types combine, for schema inference.
 * Text values are judged by what PostgreSQL's input functions would accept in a clean, common spelling;
 * JS values (in-memory rows) by their JS type; JSON numbers (JsonNumber) by their text, a fraction or
 * exponent making them numeric (which keeps every digit), and nested JSON (JsonContainer) as jsonb.
 */
import { JsonNumber } from '../source/json-parser.ts';

export type InferredType =
  | 'boolean'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double precision'
  | 'date'
  | 'timestamptz'
  | 'uuid'
  | 'jsonb'
  | 'text';

/** Number types from narrow to wide: combining two gives the wider. */
const NUMBER_RANK: Partial<Record<InferredType, number>> = {
  integer: 0,
  bigint: 1,
  numeric: 2,
  'double precision': 3,
};

const INT4_MIN = -(2n ** 31n);
const INT4_MAX = 2n ** 31n - 1n;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const INTEGER = /^[+-]?\d+$/;
/** '007', '02134': codes, not numbers; a number column would drop the zeros. */
const LEADING_ZERO = /^[+-]?0\d/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FLOAT_SPECIAL = /^[+-]?(nan|inf|infinity)$/i;
const BOOLEAN = /^(true|false|t|f)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The narrowest type for one value; null for a value that says nothing (NULL, undefined, ''). */
export function valueKind(value: unknown): InferredType | null {
  if (value === null || value === undefined || value === '') return null;
  switch (typeof value) {
    case 'string':
      return stringKind(value);
    case 'boolean':
      return 'boolean';
    case 'number':
      // A JSON number with a fraction is a double already; whole ones fit an integer type if in range.
      return Number.isInteger(value) ? integerKind(BigInt(value)) : 'double precision';
    case 'bigint':
      return integerKind(value);
    case 'object':
      if (value instanceof Date) return 'timestamptz';
      if (value instanceof JsonNumber) return numberKind(value.text);
      return 'jsonb'; // objects, arrays, JsonContainer
    default:
      return 'text';
  }
}

/** The narrowest type both fit: the wider number type, timestamptz for a date and a timestamp, else text. */
export function combineKinds(a: InferredType, b: InferredType): InferredType {
  if (a === b) return a;
  const rankA = NUMBER_RANK[a];
  const rankB = NUMBER_RANK[b];
  if (rankA !== undefined && rankB !== undefined) return rankA > rankB ? a : b;
  if ((a === 'date' && b === 'timestamptz') || (a === 'timestamptz' && b === 'date')) return 'timestamptz';
  return 'text';
}

function stringKind(text: string): InferredType {
  const value = text.trim();
  if (value === '') return 'text';
  if (LEADING_ZERO.test(value)) return 'text';
  if (INTEGER.test(value)) return integerKind(BigInt(value));
  if (DECIMAL.test(value)) return 'numeric';
  if (FLOAT_SPECIAL.test(value)) return 'double precision';
  if (BOOLEAN.test(value)) return 'boolean';
  if (isDate(value)) return 'date';
  if (isTimestamp(value)) return 'timestamptz';
  if (UUID.test(value)) return 'uuid';
  if (isJsonContainer(value)) return 'jsonb';
  return 'text';
}

/** A JSON number's text: an integer by its range, else numeric (exact, where a double would round). */
function numberKind(text: string): InferredType {
  return INTEGER.test(text) ? integerKind(BigInt(text)) : 'numeric';
}

function integerKind(n: bigint): InferredType {
  if (n >= INT4_MIN && n <= INT4_MAX) return 'integer';
  if (n >= INT8_MIN && n <= INT8_MAX) return 'bigint';
  return 'numeric';
}

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

function isTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (m === null || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[7] === undefined ? 0 : Number(m[7]);
  // 24:00:00 is valid input in PostgreSQL (the end of a day).
  if (hour === 24) return minute === 0 && second === 0;
  return hour < 24 && minute < 60 && second < 61;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** '{"a":1}' or '[1,2]' as text: JSON objects and arrays only ('{1,2}' is a PostgreSQL array, not JSON). */
function isJsonContainer(value: string): boolean {
  const first = value[0];
  if (first !== '{' && first !== '[') return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}
