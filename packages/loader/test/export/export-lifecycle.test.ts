/**
 * An export's life against a real server: one snapshot for all partitions while others write, a
 * reader that falls behind holds the server back, and however it ends (abort, cancel, a failing
 * partition) no session is left behind, idle in transaction or otherwise.
 */
import { BinaryCopyDecoder, type Connection, PostgresError } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { exportRows } from '../../src/export/export.ts';
import { BinaryTupleFramer, CsvRowFramer } from '../../src/export/row-framing.ts';
import {
  countingConnector,
  readAll,
  sessions,
  sessionsAfterClose,
  sleep,
  tagged,
  uniqueName,
  waitForCopies,
} from './support.ts';

const ROWS = 20_000;
/** ~64 MiB: more than socket buffers and CopyOut's high-water mark hold, so COPYs are still running. */
const BIG_ROWS = 100_000;
const BIG_PAD = (id: string) => `repeat(md5(${id}::text), 20)`;
/** ~150 MiB of ~1 KiB rows, generated: COPYs that run until someone reads them. */
const HUGE_ROWS = 150_000;
const HUGE_QUERY = `select g as id, repeat(md5(g::text), 32) as pad from generate_series(1, ${HUGE_ROWS}) g`;

describe.each(databaseTargets())('export lifecycle on $name', ({ url }) => {
  let db: Connection;
  const table = uniqueName('export_life');
  const big = uniqueName('export_big');

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(`
      drop table if exists ${table}; drop table if exists ${big};
      create table ${table} (id int4 primary key, name text);
      insert into ${table} select g, 'name ' || g from generate_series(1, ${ROWS}) g;
      create table ${big} (id int4 primary key, pad text);
      insert into ${big} select g, ${BIG_PAD('g')} from generate_series(1, ${BIG_ROWS}) g;
      analyze ${table}; analyze ${big};
    `);
  });

  afterAll(async () => {
    await db.exec(`drop table if exists ${table}; drop table if exists ${big}`);
    await db.close();
  });

  /** Ids in a binary (int4, text) export. */
  function ids(bytes: Uint8Array): number[] {
    const decoder = new BinaryCopyDecoder(['int4', 'text']);
    const rows = decoder.push(bytes);
    decoder.end();
    return rows.map((r) => r[0] as number).sort((a, b) => a - b);
  }
  const original = Array.from({ length: ROWS }, (_, i) => i + 1);

  /** Inserts rows in every range and deletes some, committed, from another connection. */
  async function churn(): Promise<void> {
    await db.exec(`
      insert into ${table} values (0, 'new low'), (${ROWS + 1}, 'new high'), (-5, 'neg');
      delete from ${table} where id in (2, ${ROWS / 2}, ${ROWS - 1});
    `);
  }
  async function restore(): Promise<void> {
    await db.exec(`
      delete from ${table} where id not between 1 and ${ROWS};
      insert into ${table} select g, 'name ' || g from generate_series(1, ${ROWS}) g on conflict do nothing;
    `);
  }

  it('reads one snapshot when others write between planning and the partitions connecting', async () => {
    try {
      // Connection 1 plans and exports the snapshot; the write commits before any partition connects
      // (the partitions' connects run at once, so each waits for the one churn).
      let churned: Promise<void> | null = null;
      const churnOnce = (): Promise<void> => {
        churned ??= churn();
        return churned;
      };
      const counting = countingConnector(url, async (n) => {
        if (n >= 2) await churnOnce();
      });
      const bytes = await readAll(
        exportRows({
          connector: counting.connector,
          table,
          partitionOn: 'id',
          partitions: 4,
          format: 'binary',
        }),
      );
      expect(counting.opened).toBe(4);
      expect(ids(bytes)).toEqual(original);

      // Without a shared snapshot the same race shows: the check above can tell the difference.
      await restore();
      churned = null;
      const loose = countingConnector(url, async (n) => {
        if (n >= 2) await churnOnce();
      });
      const looseIds = ids(
        await readAll(
          exportRows({
            connector: loose.connector,
            table,
            partitionOn: 'id',
            partitions: 4,
            format: 'binary',
            consistent: false,
          }),
        ),
      );
      expect(looseIds).not.toEqual(original);
      expect(looseIds).toContain(ROWS + 1);
    } finally {
      await restore();
    }
  });

  it('reads one snapshot when others write while partitions are streaming', async () => {
    const app = uniqueName('haul_stream');
    const reader = exportRows({
      url: tagged(url, app),
      connect,
      table: big,
      partitionOn: 'id',
      partitions: 3,
      format: 'binary',
    }).getReader();
    try {
      const chunks: Uint8Array[] = [];
      // The PGCOPY header, then rows: by then the partitions are running their COPYs, held back by us.
      chunks.push((await reader.read()).value!, (await reader.read()).value!);
      expect(await waitForCopies(db, app, 3)).toHaveLength(3);
      await db.exec(`
        insert into ${big} values (0, 'new low'), (${BIG_ROWS + 1}, 'new high');
        delete from ${big} where id in (2, ${BIG_ROWS / 2}, ${BIG_ROWS - 1});
      `);
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
      expect(ids(concatenate(chunks))).toEqual(Array.from({ length: BIG_ROWS }, (_, i) => i + 1));
    } finally {
      await reader.cancel().catch(() => {});
      await db.exec(`
        delete from ${big} where id not between 1 and ${BIG_ROWS};
        insert into ${big} select g, ${BIG_PAD('g')} from generate_series(1, ${BIG_ROWS}) g
        on conflict do nothing;
      `);
    }
  });

  it('keeps the exported snapshot alive for partitions that connect late', async () => {
    // Range 1 is tiny and done at once; the others connect long after: the planner must still hold it.
    const counting = countingConnector(url, async (n) => {
      if (n > 1) await sleep(300);
    });
    const bytes = await readAll(
      exportRows({
        connector: counting.connector,
        table,
        partitionOn: 'id',
        bounds: [1, 2, 10_000, ROWS],
        format: 'binary',
      }),
    );
    expect(ids(bytes)).toEqual(original);
  });

  it('holds back the server when the reader falls behind, and finishes when it catches up', async () => {
    const app = uniqueName('haul_bp');
    // ~1 KiB rows, ~40 MiB per partition: far more than socket buffers and CopyOut's 1 MiB can hold.
    const reader = exportRows({
      url: tagged(url, app),
      connect,
      query: HUGE_QUERY,
      partitionOn: 'id',
      partitions: 3,
      format: 'csv',
      header: false,
    }).getReader();
    try {
      let lines = countLines((await reader.read()).value!);
      // Every partition's backend ends up blocked writing to us, its rows unread.
      const waits = await waitForCopies(db, app, 3, (w) => w.every((e) => e === 'ClientWrite'));
      expect(waits).toEqual(['ClientWrite', 'ClientWrite', 'ClientWrite']);
      let nuls = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        lines += countLines(r.value);
        if (r.value.includes(0)) nuls++;
      }
      expect(lines).toBe(HUGE_ROWS);
      // A reader this slow is where CopyOut's untrimmed gather buffers would leak zero bytes.
      expect(nuls).toBe(0);
      expect(await sessions(db, app)).toEqual([]);
    } finally {
      await reader.cancel().catch(() => {});
    }
  });

  it('an aborted signal stops every COPY, closes every connection, and errors with the reason', async () => {
    const app = uniqueName('haul_abort');
    const controller = new AbortController();
    const reader = exportRows({
      url: tagged(url, app),
      connect,
      query: HUGE_QUERY,
      partitionOn: 'id',
      partitions: 4,
      signal: controller.signal,
    }).getReader();
    try {
      await reader.read();
      expect(await waitForCopies(db, app, 4)).toHaveLength(4);
      const reason = new Error('user pressed stop');
      controller.abort(reason);
      await expect(drain(reader)).rejects.toBe(reason);
      expect(await sessions(db, app)).toEqual([]);
    } finally {
      controller.abort();
    }
  });

  it('cancelling the stream mid-export closes every connection before it resolves', async () => {
    const app = uniqueName('haul_cancel');
    const stream = exportRows({
      url: tagged(url, app),
      connect,
      table: big,
      partitionOn: 'id',
      partitions: 3,
    });
    const reader = stream.getReader();
    await reader.read();
    expect(await waitForCopies(db, app, 3)).toHaveLength(3);
    await reader.cancel(new Error('enough'));
    expect(await sessions(db, app)).toEqual([]);
  });

  it('an abort during planning or before the start leaves nothing open', async () => {
    const app = uniqueName('haul_early');
    const controller = new AbortController();
    const slowPlan = exportRows({
      url: tagged(url, app),
      connect,
      query: `select g as id from generate_series(1, 10) g where pg_sleep(0.5) is not null`,
      partitionOn: 'id',
      signal: controller.signal,
    });
    const reading = readAll(slowPlan);
    await sleep(150);
    controller.abort(new Error('too slow'));
    await expect(reading).rejects.toThrow('too slow');
    expect(await sessionsAfterClose(db, app)).toEqual([]);

    const counting = countingConnector(url);
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(
      readAll(exportRows({ connector: counting.connector, table, signal: aborted })),
    ).rejects.toThrow('already');
    expect(counting.opened).toBe(0);
  });

  it("a partition's error errors the stream, stops the others, and closes everything", async () => {
    const app = uniqueName('haul_fail');
    const error = await readAll(
      exportRows({
        url: tagged(url, app),
        connect,
        query: `select id, pad, 1 / (id - ${BIG_ROWS - 10}) as boom from ${big}`,
        partitionOn: 'id',
        partitions: 4,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresError);
    expect((error as PostgresError).code).toBe('22012');
    expect(await sessions(db, app)).toEqual([]);
  });

  it('a connection lost mid-export errors the stream and leaves nothing open', async () => {
    const app = uniqueName('haul_kill');
    const reader = exportRows({
      url: tagged(url, app),
      connect,
      table: big,
      partitionOn: 'id',
      partitions: 3,
    }).getReader();
    try {
      await reader.read();
      expect(await waitForCopies(db, app, 3)).toHaveLength(3);
      const { rows } = await db.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
         where application_name = $1 and state = 'active' and query ilike 'copy%' limit 1`,
        [app],
      );
      expect(rows).toEqual([{ ok: true }]);
      await expect(drain(reader)).rejects.toThrow();
      expect(await sessionsAfterClose(db, app)).toEqual([]);
    } finally {
      await reader.cancel().catch(() => {});
    }
  });

  it('CopyOut chunks end on CopyData (row) boundaries: the framers pass them through uncut', async () => {
    const csv = new CsvRowFramer();
    for await (const chunk of db.copyOut(
      `copy (select id, 'a "quoted", ' || chr(10) || 'multi-line ' || pad from ${big} where id <= 5000) to stdout (format csv)`,
    )) {
      expect(csv.push(chunk)).toBe(chunk);
    }
    csv.end();
    const binary = new BinaryTupleFramer(2);
    let tuples = 0;
    for await (const chunk of db.copyOut(
      `copy (select * from ${big} where id <= 5000) to stdout (format binary)`,
    )) {
      if (binary.push(chunk)) tuples++;
    }
    binary.end();
    expect(tuples).toBeGreaterThan(1);
  });
});

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) n++;
  return n;
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (let r = await reader.read(); !r.done; r = await reader.read()) {}
}

function concatenate(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
