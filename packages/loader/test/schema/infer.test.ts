/** Inferring a table from sample rows: the narrowest type every value fits, and SQL that creates it. */
import { describe, expect, it } from 'vitest';
import { LoadConfigError } from '../../src/errors.ts';
import { createTableSql, inferColumns } from '../../src/schema/infer.ts';
import { combineKinds, valueKind } from '../../src/schema/value-kind.ts';

/** Infers one column from the given values. */
const typeOf = (...values: unknown[]) =>
  inferColumns(
    ['c'],
    values.map((v) => [v]),
  )[0]!.type;

describe('valueKind', () => {
  it.each([
    ['true', 'boolean'],
    ['F', 'boolean'],
    ['42', 'integer'],
    ['-2147483648', 'integer'],
    ['2147483648', 'bigint'],
    ['9223372036854775807', 'bigint'],
    ['9223372036854775808', 'numeric'],
    ['1.50', 'numeric'],
    ['.5', 'numeric'],
    ['1e10', 'numeric'],
    ['NaN', 'double precision'],
    ['-Infinity', 'double precision'],
    ['007', 'text'],
    ['2024-02-29', 'date'],
    ['2023-02-29', 'text'],
    ['2024-01-15 10:20:30', 'timestamptz'],
    ['2024-01-15T10:20:30.123456Z', 'timestamptz'],
    ['2024-01-15 10:20:30+05:30', 'timestamptz'],
    ['2024-01-15 25:00:00', 'text'],
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'uuid'],
    ['{"a": 1}', 'jsonb'],
    ['[1, 2]', 'jsonb'],
    ['{1,2}', 'text'],
    ['hello', 'text'],
  ])('text %j → %s', (value, kind) => {
    expect(valueKind(value)).toBe(kind);
  });

  it('judges JS values by their type', () => {
    expect(valueKind(true)).toBe('boolean');
    expect(valueKind(7)).toBe('integer');
    expect(valueKind(2 ** 40)).toBe('bigint');
    expect(valueKind(1e30)).toBe('numeric');
    expect(valueKind(1.5)).toBe('double precision');
    expect(valueKind(2n ** 70n)).toBe('numeric');
    expect(valueKind({ a: 1 })).toBe('jsonb');
    expect(valueKind([1])).toBe('jsonb');
    expect(valueKind(new Date())).toBe('timestamptz');
    expect(valueKind(null)).toBeNull();
    expect(valueKind(undefined)).toBeNull();
    expect(valueKind('')).toBeNull();
  });

  it('combines number types to the wider, dates with timestamps, anything else to text', () => {
    expect(combineKinds('integer', 'bigint')).toBe('bigint');
    expect(combineKinds('numeric', 'integer')).toBe('numeric');
    expect(combineKinds('double precision', 'numeric')).toBe('double precision');
    expect(combineKinds('date', 'timestamptz')).toBe('timestamptz');
    expect(combineKinds('boolean', 'integer')).toBe('text');
    expect(combineKinds('uuid', 'text')).toBe('text');
  });
});

describe('inferColumns', () => {
  it('picks the narrowest type all values fit, ignoring NULL and empty', () => {
    expect(typeOf('1', '2', null, '')).toBe('integer');
    expect(typeOf('1', '3000000000')).toBe('bigint');
    expect(typeOf('1', '2.5')).toBe('numeric');
    expect(typeOf(1, 2.5)).toBe('double precision');
    expect(typeOf('t', 'false')).toBe('boolean');
    expect(typeOf('t', '1')).toBe('text');
    expect(typeOf('2024-01-01', '2024-01-02 10:00:00')).toBe('timestamptz');
    expect(typeOf({ a: 1 }, [2])).toBe('jsonb');
    expect(typeOf(null, '')).toBe('text');
    expect(typeOf('1', 'x')).toBe('text');
  });

  it('names columns from the header, or col1..colN, widest row deciding N', () => {
    const columns = inferColumns(null, [['1'], ['2', 'x', '2024-01-01']]);
    expect(columns.map((c) => [c.name, c.type, c.nulls])).toEqual([
      ['col1', 'integer', 0],
      ['col2', 'text', 1],
      ['col3', 'date', 1],
    ]);
  });

  it('fills in blank header names and makes repeated ones unique', () => {
    const columns = inferColumns(['id', '', 'id', 'Name '], [['1', '2', '3', 'x']]);
    expect(columns.map((c) => c.name)).toEqual(['id', 'col2', 'id_2', 'Name ']);
  });
});

describe('createTableSql', () => {
  it('quotes every identifier', () => {
    const sql = createTableSql('"My Schema"."New ""T"""', [
      { name: 'Id', type: 'integer', nulls: 0 },
      { name: 'a"b', type: 'text', nulls: 0 },
    ]);
    expect(sql).toBe('create table "My Schema"."New ""T""" (\n  "Id" integer,\n  "a""b" text\n)');
    expect(createTableSql('t', [{ name: 'x', type: 'jsonb', nulls: 0 }], { ifNotExists: true })).toBe(
      'create table if not exists "t" (\n  "x" jsonb\n)',
    );
  });
  it('needs columns', () => {
    expect(() => createTableSql('t', [])).toThrow(LoadConfigError);
  });
});
