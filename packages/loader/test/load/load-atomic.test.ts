/**
 * Atomic loads against a real server: rows arrive intact over several shards, and under faults (a
 * shard's backend terminated, a bad row, an abort) nothing at all is committed and the error says why.
 */
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { BadRowError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { readableSource } from '../../src/node.ts';
import {
  type Admin,
  adminClient,
  csv,
  scalar,
  slowCsv,
  terminateCopyingBackend,
  uniqueName,
  via,
  waitForNoSessions,
} from '../support/database.ts';

const DDL =
  '(id int8 primary key, name text, score float8, at timestamptz, active bool, ref uuid, note text)';
const HEADER = 'id,name,score,at,active,ref,note';

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(resolve, ms, value));

/** Sends `first`, then never another byte (an upload whose client went quiet); `onCancel` when cancelled. */
function stallingStream(first: Uint8Array, onCancel: () => void): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return new Promise<void>(() => {});
      sent = true;
      controller.enqueue(first);
    },
    cancel: onCancel,
  });
}

/** The same as an async iterable; `return()` is the iterator's cancel. */
function stallingIterable(first: Uint8Array, onCancel: () => void): AsyncIterable<Uint8Array> {
  let sent = false;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (sent) return new Promise<IteratorResult<Uint8Array>>(() => {});
        sent = true;
        return Promise.resolve({ done: false, value: first });
      },
      return: () => {
        onCancel();
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
}

/** A Node stream that got `first` and stays open (a piped stdin whose writer went quiet). */
function stallingNodeStream(first: Uint8Array, onCancel: () => void): AsyncIterable<Uint8Array> {
  const stream = new PassThrough();
  stream.write(first);
  stream.once('close', onCancel);
  return readableSource(stream);
}

function line(i: number): string {
  const ref = `${((i * 2654435761) % 0xffffffff).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const note = i % 10 === 0 ? '' : `"note ${i}, with comma"`;
  return `${i},name ${i},${i / 4},2024-01-01 00:00:${String(i % 60).padStart(2, '0')}+00,${i % 2 === 0},${ref},${note}`;
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(): Promise<string> {
    const name = uniqueName('load_atomic');
    await admin.unsafe(`create table ${name} ${DDL}`);
    return name;
  }

  it.each(['raw', 'binary', 'text'] as const)(
    'loads a CSV over several shards as %s, every value intact',
    async (copyFormat) => {
      const name = await table();
      const rows = 20_000;
      let text = `${HEADER}\n`;
      for (let i = 1; i <= rows; i++) text += `${line(i)}\n`;
      const report = await load({
        ...via(url),
        table: name,
        source: text,
        format: 'csv',
        shards: 3,
        // Several shards on a server without prepared transactions: only through the barrier.
        commit: 'barrier',
        chunkBytes: 64 * 1024,
        copyFormat,
      });
      expect(report).toMatchObject({ rows, committed: true, copyFormat, rejected: 0 });
      expect(report.shards.length).toBe(3);
      expect(report.shards.reduce((sum, shard) => sum + shard.rows, 0)).toBe(rows);
      expect(report.commit).toBe('barrier');

      // The server's own CSV parser is the oracle: the same text through COPY … (FORMAT csv).
      const oracle = uniqueName('load_oracle');
      await admin.unsafe(`create table ${oracle} ${DDL}`);
      const writable = await admin.unsafe(`copy ${oracle} from stdin (format csv, header)`).writable();
      await pipeline(Readable.from([text]), writable);
      const diff = await scalar(
        admin,
        `select count(*)::int as diff from ((table ${name} except all table ${oracle}) union all (table ${oracle} except all table ${name})) d`,
      );
      expect(diff).toBe(0);
      const n = await scalar(admin, `select count(*)::int as n from ${oracle}`);
      expect(n).toBe(rows);
    },
  );

  it('terminating one shard mid-load commits nothing and says which shard failed', async () => {
    const name = await table();
    const app = uniqueName('kill');
    let killed = false;
    const source = slowCsv(HEADER, 200_000, line, { piece: 2000, pauseMs: 2 });
    const loading = load({
      ...via(url, app),
      table: name,
      source,
      format: 'csv',
      shards: 2,
      commit: 'barrier',
      chunkBytes: 32 * 1024,
      progressInterval: 20,
      onProgress: (event) => {
        if (!killed && event.shards.length === 2 && event.rows > 5000) {
          killed = true;
          void terminateCopyingBackend(admin, app);
        }
      },
    });
    const error = await loading.then(
      () => null,
      (e: unknown) => e,
    );
    expect(killed).toBe(true);
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as LoadFailedError).rolledBack).toBe(true);
    expect((error as Error).message).toMatch(/nothing was committed/);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
    expect(await waitForNoSessions(admin, app)).toBe(0);
  });

  it('an AbortSignal mid-load rolls every shard back', async () => {
    const name = await table();
    const app = uniqueName('abort');
    const controller = new AbortController();
    const source = slowCsv(HEADER, 200_000, line, { piece: 2000, pauseMs: 2 });
    const error = await load({
      ...via(url, app),
      table: name,
      source,
      format: 'csv',
      shards: 2,
      chunkBytes: 32 * 1024,
      signal: controller.signal,
      progressInterval: 20,
      onProgress: (event) => {
        if (event.rows > 5000) controller.abort(new Error('user pressed stop'));
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as Error).message).toMatch(/user pressed stop/);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
    expect(await waitForNoSessions(admin, app)).toBe(0);
  });

  it.each([
    ['a ReadableStream', stallingStream],
    ['an async iterable', stallingIterable],
    ['a quiet Node stream (stdin)', stallingNodeStream],
  ] as const)(
    'an abort ends a load whose source (%s) stopped sending, and cancels the source',
    async (_, make) => {
      const name = await table();
      const app = uniqueName('stall');
      const controller = new AbortController();
      let cancelled!: () => void;
      const sourceCancelled = new Promise<void>((resolve) => {
        cancelled = resolve;
      });
      const source = make(new TextEncoder().encode(`${HEADER}\n${line(1)}\n${line(2)}\n`), () => cancelled());
      const loading = load({
        ...via(url, app),
        table: name,
        source,
        format: 'csv',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('deadline passed')), 300);
      const error = await loading.then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(/deadline passed/);
      await expect(Promise.race([sourceCancelled.then(() => 'cancelled'), delay(2000, 'not')])).resolves.toBe(
        'cancelled',
      );
      expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(0);
      expect(await waitForNoSessions(admin, app)).toBe(0);
    },
  );

  it('a value the converter refuses names line, column and value; nothing is committed', async () => {
    const name = await table();
    const lines = [HEADER];
    for (let i = 1; i <= 3000; i++) lines.push(i === 2500 ? line(i).replace(`${i / 4}`, 'twelve') : line(i));
    const error = await load({
      ...via(url),
      table: name,
      source: `${lines.join('\n')}\n`,
      format: 'csv',
      shards: 2,
      chunkBytes: 16 * 1024,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    const cause = (error as LoadFailedError).cause as BadRowError;
    expect(cause).toBeInstanceOf(BadRowError);
    expect(cause.line).toBe(2501);
    expect(cause.column).toBe('score');
    expect(cause.value).toBe('twelve');
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
  });

  it('a server-side error (duplicate key) is mapped back to its source line', async () => {
    const name = await table();
    const lines = [HEADER];
    for (let i = 1; i <= 3000; i++) lines.push(line(i === 2000 ? 7 : i));
    const error = await load({
      ...via(url),
      table: name,
      source: `${lines.join('\n')}\n`,
      format: 'csv',
      shards: 1,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    const cause = (error as LoadFailedError).cause as BadRowError;
    expect(cause).toBeInstanceOf(BadRowError);
    expect(cause.sqlstate).toBe('23505');
    expect(cause.line).toBe(2001);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
  });

  it('NOT NULL is checked before sending, with the line', async () => {
    const name = uniqueName('load_notnull');
    await admin.unsafe(`create table ${name} (id int not null, name text)`);
    const error = await load({
      ...via(url),
      table: name,
      source: csv(
        ['id', 'name'],
        [
          [1, 'a'],
          [null, 'b'],
        ],
      ),
      format: 'csv',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    const cause = (error as LoadFailedError).cause as BadRowError;
    expect(cause).toMatchObject({ line: 3, column: 'id', sqlstate: '23502' });
  });
});
