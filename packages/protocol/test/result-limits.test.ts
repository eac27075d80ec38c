/**
 * `limits` (maxRows / maxBytes) on query and batch against a real server: the statement that crosses
 * a cap settles with ResultLimitError and keeps no rows, the others keep theirs, the server stops a
 * SELECT at the row cap (counted with a sequence the SELECT advances), what the statement did stands
 * with its Sync segment, and the connection stays in step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import type { Connection } from '../src/connection/connection.ts';
import { BatchError, ConfigError, PostgresError, ResultLimitError } from '../src/errors.ts';

describe.each(databaseTargets())('result limits on $name', ({ url }) => {
  let db: Connection;
  const table = `result_limits_${process.pid}`;
  const sequence = `result_limits_seq_${process.pid}`;

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(
      `drop table if exists ${table}; create table ${table} (id int primary key);
       drop sequence if exists ${sequence}; create sequence ${sequence}`,
    );
  });
  afterAll(async () => {
    await db.exec(`drop table if exists ${table}; drop sequence if exists ${sequence}`);
    await db.close();
  });

  const series = (n: number) => `select g from generate_series(1, ${n}) g`;

  it('keeps a result at the row cap, refuses one row more with a typed error', async () => {
    const at = await db.query(series(10), [], { limits: { maxRows: 10 } });
    expect(at.rows).toHaveLength(10);
    const over = await db.query(series(11), [], { limits: { maxRows: 10 } }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ResultLimitError);
    expect(over).toMatchObject({ limit: 'rows', max: 10 });
    // In step afterwards.
    expect((await db.query('select 42 as n')).rows).toEqual([{ n: 42 }]);
  });

  it('the server stops producing rows one past the cap', async () => {
    await db.query(`select setval('${sequence}', 1, false)`);
    const over = await db
      .query(`select nextval('${sequence}') from generate_series(1, 1000000)`, [], {
        limits: { maxRows: 100 },
      })
      .catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ResultLimitError);
    const { rows } = await db.query<{ n: string }>(`select last_value::text as n from ${sequence}`);
    // 101 rows asked for; without the Execute row limit the whole million would have been made.
    expect(Number(rows[0]!.n)).toBeLessThanOrEqual(101);
  });

  it('past maxBytes the rows are skipped, and the next query reads correctly', async () => {
    const sql = `select repeat('x', 1000) as s from generate_series(1, 5000)`;
    const over = await db.query(sql, [], { limits: { maxBytes: 100_000 } }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ResultLimitError);
    expect(over).toMatchObject({ limit: 'bytes', max: 100_000 });
    const under = await db.query(sql, [], { limits: { maxBytes: 10_000_000 } });
    expect(under.rows).toHaveLength(5000);
    expect((await db.query('select 7 as n')).rows).toEqual([{ n: 7 }]);
  });

  it('a batch shares one budget; the crossing statement gives its room back', async () => {
    const out = await db.batch([{ sql: series(6) }, { sql: series(6) }, { sql: series(4) }], {
      limits: { maxRows: 10 },
    });
    expect(out[0]).toMatchObject({ status: 'fulfilled', value: { rowCount: 6 } });
    expect(out[1]).toMatchObject({ status: 'rejected', reason: { limit: 'rows', max: 10 } });
    expect(out[1]!.status === 'rejected' && out[1]!.reason).toBeInstanceOf(ResultLimitError);
    expect(out[2]).toMatchObject({ status: 'fulfilled', value: { rowCount: 4 } });
  });

  it('atomic: the crossing statement ran, so its writes and its neighbours commit', async () => {
    await db.exec(`truncate ${table}`);
    const out = await db.batch(
      [
        { sql: `insert into ${table} values (1)` },
        { sql: `insert into ${table} select g from generate_series(2, 50) g returning id` },
        { sql: `insert into ${table} values (100)` },
      ],
      { sync: 'atomic', limits: { maxRows: 10 } },
    );
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(out[1]!.status === 'rejected' && out[1]!.reason).toBeInstanceOf(ResultLimitError);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    expect(rows[0]!.n).toBe(51);
  });

  it('atomic: a failure later in the batch still rolls the crossing statement back', async () => {
    await db.exec(`truncate ${table}`);
    const out = await db.batch(
      [
        { sql: `insert into ${table} select g from generate_series(1, 50) g returning id` },
        { sql: 'select 1/0' },
      ],
      { sync: 'atomic', limits: { maxRows: 10 } },
    );
    expect(out[0]!.status === 'rejected' && out[0]!.reason).toBeInstanceOf(BatchError);
    expect(out[0]).toMatchObject({ reason: { outcome: 'rolled-back' } });
    expect(out[1]!.status === 'rejected' && out[1]!.reason).toBeInstanceOf(PostgresError);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses limits that are not counts', async () => {
    await expect(db.query('select 1', [], { limits: { maxRows: -1 } })).rejects.toBeInstanceOf(ConfigError);
    await expect(db.batch([{ sql: 'select 1' }], { limits: { maxBytes: 1.5 } })).rejects.toBeInstanceOf(
      ConfigError,
    );
    expect(
      await db.query('select 1 as n', [], { limits: { maxRows: 0 } }).catch((e: unknown) => e),
    ).toBeInstanceOf(ResultLimitError);
  });
});
