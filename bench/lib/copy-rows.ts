/**
 * The COPY workload's table and its rows: `bench_copy` with seven columns of common types, and a
 * deterministic generator of rows in memory, so every contender loads exactly the same data.
 */

export const COPY_TABLE = 'bench_copy';

/** Column names and PostgreSQL types, in table order; the binary encoders and decoders take these. */
export const COPY_COLUMNS = [
  { name: 'id', type: 'int8' },
  { name: 'name', type: 'text' },
  { name: 'score', type: 'float8' },
  { name: 'at', type: 'timestamptz' },
  { name: 'active', type: 'bool' },
  { name: 'ref', type: 'uuid' },
  { name: 'note', type: 'text' },
] as const;

export const CREATE_COPY_TABLE_SQL = `create table ${COPY_TABLE} (${COPY_COLUMNS.map(
  (column) => `${column.name} ${column.type}`,
).join(', ')})`;

/**
 * One row as the application holds it: id 1..N (a safe-integer number), name, score, at (a Date, ms
 * precision), active, ref (canonical uuid text), note (null in every tenth row).
 */
export type CopyRow = [
  id: number,
  name: string,
  score: number,
  at: Date,
  active: boolean,
  ref: string,
  note: string | null,
];

/** 2024-01-01T00:00:00Z: the timestamps count seconds (and a few ms) up from here. */
export const BASE_MS = Date.UTC(2024, 0, 1);

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 32-bit integer hash (the "lowbias32" mixer), so uuids look random yet depend on `i` only. */
function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hex32(word: number): string {
  return HEX[word >>> 24]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
}

export function uuidFor(i: number): string {
  const a = hex32(mix(i));
  const b = hex32(mix(i + 0x9e3779b9));
  const c = hex32(mix(i ^ 0x5bd1e995));
  const d = hex32(mix(i * 31 + 7));
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

export const FILLER = 'the quick brown fox jumps over the lazy dog; '.repeat(2);

/**
 * Notes of varied length and content: one in ten NULL, and some with the characters text COPY must
 * escape (tab, newline, backslash) or multi-byte UTF-8, so the text contenders do their real work.
 */
function noteFor(i: number): string | null {
  switch (i % 10) {
    case 0:
      return null;
    case 1:
      return `tab\tseparated ${i}`;
    case 2:
      return `line one\nline two ${i}`;
    case 3:
      return `C:\\path\\to\\file-${i}`;
    case 4:
      return `naïve café ${i} — ✓`;
    case 5:
      return `${FILLER}${i}`;
    default:
      return `note ${i}`;
  }
}

/** Rows 1..count, built once and shared by every contender (about 300 bytes of heap each). */
export function makeCopyRows(count: number): CopyRow[] {
  const rows = new Array<CopyRow>(count);
  for (let index = 0; index < count; index++) {
    const i = index + 1;
    rows[index] = [
      i,
      `name-${i}`,
      (i % 100_000) * 0.37 + i / 1024,
      new Date(BASE_MS + i * 1000 + (i % 1000)),
      i % 3 !== 0,
      uuidFor(i),
      noteFor(i),
    ];
  }
  return rows;
}

/**
 * What `COPY … TO` reads for a run of `count` rows out of a table of `total`: the table itself for a
 * full run, as `copy bench_copy to stdout` is the statement measured, else the first `count` rows
 * (the smaller warm-up).
 */
export function copyOutSource(count: number, total: number): string {
  return count === total ? COPY_TABLE : `(select * from ${COPY_TABLE} where id <= ${Math.trunc(count)})`;
}
