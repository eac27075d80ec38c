/**
 * Typed binary COPY end to end through Haul's own connection: rows encoded on the fly → COPY IN →
 * read back with postgres.js as the oracle; COPY OUT binary → decoded rows equal what went in.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import type { Connection } from '../src/connection/connection.ts';
import { CopyEncodeError } from '../src/copy/binary-encoder.ts';
import { UnsupportedTypeError } from '../src/types/shared/codec.ts';

const columns = [
  { name: 'id', type: 'int8' },
  { name: 'name', type: 'text' },
  { name: 'score', type: 'float8' },
  { name: 'at', type: 'timestamptz' },
  { name: 'active', type: 'bool' },
  { name: 'ref', type: 'uuid' },
  { name: 'amount', type: 'numeric' },
  { name: 'tags', type: 'text[]' },
  { name: 'doc', type: 'jsonb' },
  { name: 'day', type: 'date' },
] as const;

const DDL = `(id int8, name text, score float8, at timestamptz, active bool, ref uuid, amount numeric,
  tags text[], doc jsonb, day date)`;

function row(i: number): unknown[] {
  return [
    BigInt(i) * 1_000_000_007n,
    i % 7 === 0 ? '' : `név ${i} ✓`,
    i % 5 === 0 ? Number.NaN : i / 3,
    new Date(Date.UTC(2026, 2, 29, 0, 59, 59, i % 1000)),
    i % 2 === 0,
    `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    i % 11 === 0 ? null : `${i}.${String(i).padStart(20, '9')}`,
    i % 3 === 0 ? [] : [`a${i}`, null, 'quote "x"'],
    { i, s: 'ünïcødé 🚀' },
    new Date(Date.UTC(1999 + (i % 50), 0, 1)),
  ];
}

describe.each(databaseTargets())('typed binary COPY through Haul on $name', ({ url }) => {
  let db: Connection;
  let oracle: postgres.Sql;
  const table = `copy_rows_${process.pid}`;
  beforeAll(async () => {
    db = await connect(url);
    oracle = postgres(url, { max: 1, onnotice: () => {} });
    await db.exec(`drop table if exists ${table}; create table ${table} ${DDL}`);
  });
  afterAll(async () => {
    await db.exec(`drop table if exists ${table}`);
    await db.close();
    await oracle.end();
  });

  it('encodes on the fly from an async iterable, and the oracle reads back what was sent', async () => {
    await db.exec(`truncate ${table}`);
    async function* rows() {
      for (let i = 0; i < 20_000; i++) yield row(i);
    }
    const result = await db.copyInRows(`copy ${table} from stdin (format binary)`, columns, rows());
    expect(result.rowCount).toBe(20_000);
    const back = await oracle.unsafe(
      `select id::text, name, score, at, active, ref::text, amount::text, array_to_json(tags) as tags, doc, day from ${table} where id = $1`,
      [String(1234n * 1_000_000_007n)], // tags via JSON: postgres.js reads NULL array elements as the string "NULL"
    );
    const expected = row(1234);
    expect(back[0]).toMatchObject({
      id: String(expected[0]),
      name: expected[1],
      score: expected[2],
      at: expected[3],
      active: expected[4],
      ref: expected[5],
      amount: expected[6],
      tags: expected[7],
      doc: expected[8],
      day: expected[9],
    });
  });

  it('COPY OUT binary decodes to the same rows', async () => {
    const decoded: unknown[][] = [];
    for await (const r of db.copyOutRows(
      `copy (select * from ${table} order by id) to stdout (format binary)`,
      columns,
    )) {
      decoded.push(r);
    }
    expect(decoded.length).toBe(20_000);
    const sample = decoded[4321]!;
    const expected = row(4321);
    expect(sample[0]).toBe(expected[0]);
    expect(sample.slice(1, 6)).toEqual(expected.slice(1, 6));
    expect(sample[6]).toBe(expected[6]);
    expect(sample[7]).toEqual(expected[7]);
    expect(sample[8]).toEqual(expected[8]);
    expect(sample[9]).toEqual(expected[9]);
  });

  it('a bad value names its row, column and value; nothing is committed; the connection goes on', async () => {
    await db.exec(`truncate ${table}`);
    function* rows() {
      for (let i = 0; i < 5000; i++) {
        const r = row(i);
        if (i === 3000) r[5] = 'not-a-uuid';
        yield r;
      }
    }
    const error = (await db
      .copyInRows(`copy ${table} from stdin (format binary)`, columns, rows())
      .catch((e: unknown) => e)) as CopyEncodeError;
    expect(error).toBeInstanceOf(CopyEncodeError);
    expect(error.row).toBe(3001);
    expect(error.column).toBe('ref');
    expect(error.value).toBe('not-a-uuid');
    expect(error.message).toMatch(/row 3001, column "ref" \(uuid\)/);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n).toBe(0);
  });

  it('a type without a binary codec is refused before anything is sent, naming column and type', async () => {
    await expect(
      db.copyInRows('copy x from stdin (format binary)', [{ name: 'v', type: 'tsvector' }], [[1]]),
    ).rejects.toThrow(UnsupportedTypeError);
    await expect(
      db.copyInRows('copy x from stdin (format binary)', [{ name: 'v', type: 'tsvector' }], [[1]]),
    ).rejects.toThrow(/column "v".*tsvector/);
    expect((await db.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });
});
