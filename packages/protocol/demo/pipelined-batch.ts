/**
 * `pnpm start`: connect (to DATABASE_URL, or an embedded PostgreSQL 18 started for the demo), run one
 * pipelined batch under each Sync policy, and print what every statement got.
 */
import { resolveDatabaseUrl } from '../../../tools/embedded-postgres.ts';
import { connect } from '../src/adapters/node.ts';
import type { BatchOutcome } from '../src/index.ts';

const database = await resolveDatabaseUrl();
const db = await connect(database.url);
try {
  const version = db.parameters.get('server_version');
  console.log(`connected to PostgreSQL ${version} (backend pid ${db.processId})\n`);
  await db.exec('drop table if exists haul_demo; create table haul_demo (id int primary key, name text)');

  const statements = [
    { sql: 'insert into haul_demo values ($1, $2)', params: [1, 'one'] },
    { sql: 'insert into haul_demo values ($1, $2)', params: [2, 'two'] },
    { sql: 'insert into haul_demo values ($1, $2)', params: [1, 'duplicate'] },
    { sql: 'select count(*)::int as n from haul_demo', params: [] },
  ];
  for (const sync of ['independent', 'atomic', 'auto'] as const) {
    await db.exec('truncate haul_demo');
    const started = performance.now();
    const outcomes = await db.batch(statements, { sync });
    const ms = (performance.now() - started).toFixed(1);
    console.log(`sync: '${sync}' — ${statements.length} statements in one flight, ${ms} ms`);
    for (const [i, o] of outcomes.entries()) console.log(`  [${i}] ${describe(o)}`);
    const { rows } = await db.query<{ id: number; name: string }>(
      'select id, name from haul_demo order by id',
    );
    console.log(`  table now: ${JSON.stringify(rows)}\n`);
  }

  const started = performance.now();
  const many = await Promise.all(
    Array.from({ length: 10_000 }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])),
  );
  const ms = performance.now() - started;
  console.log(
    `10,000 pipelined selects: ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))} queries/s), last = ${many[9999]!.rows[0]!.n}`,
  );
  await db.exec('drop table haul_demo');
} finally {
  await db.close();
  await database.stop();
}

function describe(o: BatchOutcome): string {
  if (o.status === 'fulfilled') {
    const { command, rowCount, rows } = o.value;
    return `ok   ${command} ${rowCount ?? ''}${rows.length ? ` ${JSON.stringify(rows)}` : ''}`;
  }
  return `fail ${o.reason.name}: ${o.reason.message}`;
}
