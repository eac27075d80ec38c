/**
 * One row of JS values (NDJSON, JSON, rows in memory) as its values in COPY column order: arrays by
 * position (the caller has checked their width), objects by key in every row, as key-mapping.ts
 * decides. A row of the other shape than the first row's is a bad row: position and key cannot both
 * say where it goes.
 */
import { BadRowError } from '../errors.ts';
import { type KeyIndex, takesDefault } from '../schema/key-mapping.ts';

export interface RowShape {
  /** Object rows: which column each key fills; null when rows are arrays, by position. */
  readonly keyIndex: KeyIndex | null;
  /** Positional rows: the value index feeding each column. */
  readonly fieldIndex: readonly number[];
}

const ABSENT: unique symbol = Symbol('absent');

export function rowValues(
  row: readonly unknown[] | Readonly<Record<string, unknown>>,
  shape: RowShape,
  line: number,
): unknown[] {
  const { keyIndex } = shape;
  if (keyIndex === null) {
    if (!Array.isArray(row)) {
      throw new BadRowError(
        `line ${line}: an object where rows are arrays (the first row was an array: values go by position)`,
        { line },
      );
    }
    return shape.fieldIndex.map((field) => row[field]);
  }
  if (Array.isArray(row)) {
    throw new BadRowError(
      `line ${line}: an array where rows are objects (the first row was an object: values go by key)`,
      { line },
    );
  }
  const columns = keyIndex.columns;
  const values: unknown[] = new Array(columns.length).fill(ABSENT);
  const keyOf: (string | undefined)[] = new Array(columns.length);
  const record = row as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue; // as JSON.stringify has it: no value given
    const index = keyIndex.resolve(key);
    if (index < 0) {
      if (keyIndex.skips(index)) continue;
      throw keyIndex.missError(key, index, line);
    }
    const earlier = keyOf[index];
    if (earlier !== undefined) throw keyIndex.clashError(earlier, key, columns[index]!, line);
    keyOf[index] = key;
    values[index] = value;
  }
  for (let c = 0; c < columns.length; c++) {
    if (values[c] !== ABSENT) continue;
    if (takesDefault(columns[c]!)) throw keyIndex.absentError(columns[c]!, line);
    values[c] = null;
  }
  return values;
}
