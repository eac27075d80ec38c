/**
 * End to end: the same rows loaded twice into identical tables, once as CSV through text COPY (the
 * server parses every field) and once as binary COPY from the converters, must read back the same —
 * including what only the receiving side checks or applies: typmods (numeric(10,2), varchar(5),
 * char(3), time(3), timestamp(0)), enum labels, domain constraints, JSON syntax. Values the server
 * refuses must be refused both ways.
 */
import { PostgresError, Writer } from '@haul/protocol';
import { PGCOPY_HEADER, PGCOPY_TRAILER } from '@haul/protocol/copy';
import { connect } from '@haul/protocol/node';
import type { FromText as FieldConverter } from '@haul/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { converterFor } from '../../src/schema/column-converter.ts';
import type { TargetColumn } from '../../src/schema/target.ts';
import { column } from './columns.ts';

type Connection = Awaited<ReturnType<typeof connect>>;

const PREFIX = `convert_rt_${process.pid}`;
const ZONE = 'Australia/Lord_Howe';

/** Column name, SQL type, and how the catalog would describe it. */
const COLUMNS: [string, string, TargetColumn][] = [
  ['id', 'int4', column('int4')],
  ['i2', 'int2', column('int2')],
  ['i8', 'int8', column('int8')],
  ['o', 'oid', column('oid')],
  ['f4', 'float4', column('float4')],
  ['f8', 'float8', column('float8')],
  ['n', 'numeric(10,2)', column('numeric', { typmod: 655_366 })],
  ['nn', 'numeric', column('numeric')],
  ['b', 'bool', column('bool')],
  ['t', 'text', column('text')],
  ['vc', 'varchar(5)', column('varchar', { typmod: 9 })],
  ['bp', 'char(3)', column('bpchar', { typmod: 7 })],
  ['nm', 'name', column('name')],
  ['ch', '"char"', column('char')],
  ['j', 'json', column('json')],
  ['jb', 'jsonb', column('jsonb')],
  ['ba', 'bytea', column('bytea')],
  ['u', 'uuid', column('uuid')],
  ['d', 'date', column('date')],
  ['tm', 'time(3)', column('time', { typmod: 3 })],
  ['ttz', 'timetz', column('timetz')],
  ['ts', 'timestamp(0)', column('timestamp', { typmod: 0 })],
  ['tstz', 'timestamptz', column('timestamptz')],
  ['e', `${PREFIX}_mood`, column(`${PREFIX}_mood`, { typtype: 'e' })],
  ['dom', `${PREFIX}_positive`, column(`${PREFIX}_positive`, { typtype: 'd', baseTypeName: 'int4' })],
  ['ai', 'int4[]', column('_int4')],
  ['at', 'text[]', column('_text')],
  ['ats', 'timestamptz[]', column('_timestamptz')],
];

type Row = (string | null)[];

const GOOD_ROWS: Row[] = [
  [
    '1',
    '-32768',
    '9223372036854775807',
    '4294967295',
    '3.4028235e38',
    '0.1',
    '123.456',
    '-0.00',
    't',
    'héllo',
    'abc  ',
    'ab',
    'x'.repeat(70),
    'z',
    '{"b": 1, "a": [1, 2]}',
    '{"b": 1, "a": [1, 2], "a": 3}',
    '\\x00ff10',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    '2020-02-29',
    '10:20:30.123456',
    '10:20:30.5+05:30',
    '2020-01-01 10:20:30.5',
    '2020-10-04 02:15',
    'happy',
    '5',
    '{1,NULL,3}',
    '{"a b",NULL,"\\"q\\""}',
    '{"2020-04-05 01:45","2020-04-05 01:15"}',
  ],
  [
    '2',
    ' 7 ',
    '-1',
    '0',
    'NaN',
    '-Infinity',
    '99999999.994',
    '1e-20',
    'off',
    '',
    '',
    '',
    '',
    '',
    'null',
    '[]',
    'esc\\\\aped\\001',
    '{a0eebc999c0b4ef8bb6d6bb9bd380a11}',
    'infinity',
    '24:00',
    '00:00Z',
    '294276-12-31 23:59:59',
    '1883-11-18 12:00',
    'sad',
    '2147483647',
    '{}',
    '{}',
    '{}',
  ],
  [
    '3',
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ],
];

/**
 * Rows the server must refuse both ways (checks only its receiving side makes for binary input): the
 * column and the bad text, the rest copied from row 1.
 */
const BAD_FIELDS: [string, string][] = [
  ['vc', 'abcdef'],
  ['bp', 'abcd'],
  ['n', '123456789.1'],
  ['e', 'angry'],
  ['dom', '0'],
  ['j', '{"a":'],
  ['jb', '{"a":'],
];

function csvField(value: string | null): string {
  if (value === null) return '';
  return `"${value.replaceAll('"', '""')}"`;
}

function csv(rows: Row[]): Uint8Array {
  return new TextEncoder().encode(rows.map((row) => `${row.map(csvField).join(',')}\n`).join(''));
}

function binary(rows: Row[], converters: FieldConverter[]): Uint8Array {
  const w = new Writer(1024);
  w.raw(PGCOPY_HEADER);
  const encoder = new TextEncoder();
  for (const row of rows) {
    w.i16(row.length);
    row.forEach((value, index) => {
      if (value === null) {
        w.i32(-1);
        return;
      }
      const at = w.beginValue();
      const bytes = encoder.encode(value);
      converters[index]!.write(w, bytes, 0, bytes.length);
      w.endValue(at);
    });
  }
  w.raw(PGCOPY_TRAILER);
  return w.take();
}

describe.each(databaseTargets())('binary COPY from converters vs text COPY on $name', ({ url }) => {
  let db: Connection;
  let converters: FieldConverter[];

  beforeAll(async () => {
    db = await connect(url);
    await db.query(`select set_config('TimeZone', $1, false)`, [ZONE]);
    const version = Number(
      (await db.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]!.v,
    );
    const definition = COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
    await db.exec(`
      drop table if exists ${PREFIX}_text, ${PREFIX}_binary;
      drop type if exists ${PREFIX}_mood;
      drop domain if exists ${PREFIX}_positive;
      create type ${PREFIX}_mood as enum ('sad', 'ok', 'happy');
      create domain ${PREFIX}_positive as int4 check (value > 0);
      create table ${PREFIX}_text (${definition});
      create table ${PREFIX}_binary (${definition});
    `);
    converters = COLUMNS.map(([, , target]) => {
      const converter = converterFor(target, { timeZone: ZONE, serverVersion: version });
      if (!converter) throw new Error(`no converter for ${target.typeName}`);
      return converter;
    });
  });

  afterAll(async () => {
    await db?.exec(`
      drop table if exists ${PREFIX}_text, ${PREFIX}_binary;
      drop type if exists ${PREFIX}_mood;
      drop domain if exists ${PREFIX}_positive;
    `);
    await db?.close();
  });

  const columnList = COLUMNS.map(([name]) => name).join(', ');

  it('reads back the same rows', async () => {
    await db.copyIn(`copy ${PREFIX}_text (${columnList}) from stdin (format csv)`, [csv(GOOD_ROWS)]);
    await db.copyIn(`copy ${PREFIX}_binary (${columnList}) from stdin (format binary)`, [
      binary(GOOD_ROWS, converters),
    ]);
    const read = async (table: string) =>
      (await db.query<{ r: string }>(`select t::text as r from ${table} t order by id`)).rows.map(
        (row) => row.r,
      );
    const viaText = await read(`${PREFIX}_text`);
    expect(viaText).toHaveLength(GOOD_ROWS.length);
    expect(await read(`${PREFIX}_binary`)).toEqual(viaText);
  });

  it.each(BAD_FIELDS)('refuses %s = %j both ways, with the same SQLSTATE', async (name, text) => {
    const index = COLUMNS.findIndex(([column]) => column === name);
    const row = [...GOOD_ROWS[0]!];
    row[index] = text;
    const failure = async (format: 'csv' | 'binary'): Promise<string> => {
      const data = format === 'csv' ? csv([row]) : binary([row], converters);
      try {
        await db.copyIn(
          `copy ${PREFIX}_${format === 'csv' ? 'text' : 'binary'} (${columnList}) from stdin (format ${format})`,
          [data],
        );
      } catch (error) {
        if (error instanceof PostgresError) return error.code ?? '';
        throw error;
      }
      return 'accepted';
    };
    const viaText = await failure('csv');
    expect(viaText).not.toBe('accepted');
    expect(await failure('binary')).toBe(viaText);
  });
});
