/**
 * An offline load shows what a load through the worker shows: the same file and request loaded by
 * the offline engine (PGlite in the page) and by the loader against the real server (what the worker
 * runs), and their reports, rejected rows and errors (the worker's error body) compared. Only times
 * differ; the load id is given, so messages match word for word.
 */
import { load, type RejectedRow } from '@haul/loader';
import { connect } from '@haul/protocol/node';
import { errorBody, errorStatus, type LoadEvent } from '@haul/worker/contract';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import type { Engine, LoadRequest } from '../src/engine/contract.ts';
import { createOfflineEngine } from '../src/engine/offline/index.ts';
import { blobOf, sampleRows, toCsv, toNdjson } from './offline/sample-data.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;
const suffix = `${process.pid}_${Date.now().toString(36)}`;

interface Case {
  name: string;
  /** Run on both sides first; `$t` is the table. */
  ddl?: string;
  text: string;
  request: LoadRequest;
}

function withBadLines(lines: string[], bad: Record<number, string>): string {
  return `${lines.map((line, i) => bad[i] ?? line).join('\n')}\n`;
}

const csvLines = (count: number) => [
  'id,code,n',
  ...Array.from({ length: count }, (_, i) => `${i + 1},c${i % 100},${i}`),
];
const ATOMIC: LoadRequest = { format: 'csv', shards: 1, mode: 'atomic', onError: 'abort' };

const CASES: Case[] = [
  { name: 'created', text: toCsv(sampleRows(3_000)), request: { ...ATOMIC, createTable: true } },
  {
    name: 'unconvertible',
    text: toCsv(sampleRows(3_000).map((row, i) => (i === 2_222 ? { ...row, amount: '12x4' } : row))),
    request: { ...ATOMIC, createTable: true },
  },
  {
    name: 'duplicate',
    ddl: 'create table $t (id int primary key, code text, n int)',
    text: withBadLines(csvLines(5_000), { 4000: '17,dup,1' }),
    request: ATOMIC,
  },
  {
    name: 'rejects',
    ddl: 'create table $t (id int primary key, code varchar(4), n int)',
    text: withBadLines(csvLines(3_000), {
      100: '100,ab,notanumber',
      1500: '1500,toolong,1',
      2500: '7,dup,1',
    }),
    request: { ...ATOMIC, onError: 'reject' },
  },
  {
    name: 'batches',
    ddl: 'create table $t (id int, code text, n int)',
    text: withBadLines(csvLines(5_000), { 3500: '3500,x,oops' }),
    request: { ...ATOMIC, mode: 'batches', batchRows: 1_000 },
  },
  {
    name: 'ndjson',
    ddl: 'create table $t (id int8 primary key, label text, doc jsonb)',
    text: toNdjson(
      Array.from({ length: 2_000 }, (_, i) => ({ id: i + 1, label: `l${i}`, doc: { i, tags: ['a'] } })),
    ),
    request: { ...ATOMIC, format: 'ndjson' },
  },
];

interface Seen {
  outcome: unknown;
  rejects: RejectedRow[];
  rows: number;
}

/** What a client sees of a load, less its timings. */
function seen(
  outcome: Extract<LoadEvent, { type: 'report' | 'error' }>,
  rejects: RejectedRow[],
  rows: number,
): Seen {
  if (outcome.type === 'error') return { outcome, rejects, rows };
  const { ms: _ms, rowsPerSecond: _rate, ...report } = outcome;
  return {
    outcome: { ...report, shards: report.shards.map(({ ms: _t, ...shard }) => shard) },
    rejects,
    rows,
  };
}

describe(`offline loads show what loads into the server show (${target.name})`, () => {
  let engine: Engine;
  let admin: postgres.Sql;

  beforeAll(async () => {
    engine = await createOfflineEngine();
    admin = postgres(target.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await engine?.close();
    for (const c of CASES) await admin?.unsafe(`drop table if exists ${table(c)}`).catch(() => {});
    await admin?.end();
  });

  const table = (c: Case) => `offline_like_${c.name}_${suffix}`;

  async function offline(c: Case): Promise<Seen> {
    if (c.ddl) {
      const [created] = await engine.sql([{ sql: c.ddl.replace('$t', table(c)) }], 'independent');
      expect(created?.ok).toBe(true);
    }
    const rejects: RejectedRow[] = [];
    const outcome = await engine.load(
      table(c),
      blobOf(c.text),
      { ...c.request, loadId: `like-${c.name}-${suffix}` },
      (event) => {
        if (event.type === 'reject') {
          const { type: _type, ...row } = event;
          rejects.push(row);
        }
      },
      new AbortController().signal,
    );
    const [counted] = await engine.sql(
      [{ sql: `select count(*)::int4 as n from ${table(c)}` }],
      'independent',
    );
    return seen(outcome, rejects, counted?.ok ? Number(counted.rows[0]?.['n']) : -1);
  }

  async function server(c: Case): Promise<Seen> {
    await admin.unsafe(`drop table if exists ${table(c)}`);
    if (c.ddl) await admin.unsafe(c.ddl.replace('$t', table(c)));
    const rejects: RejectedRow[] = [];
    let outcome: Extract<LoadEvent, { type: 'report' | 'error' }>;
    try {
      const report = await load({
        ...c.request,
        loadId: `like-${c.name}-${suffix}`,
        url: target.url,
        connect,
        table: table(c),
        source: c.text,
        onReject: (row) => {
          rejects.push(row);
        },
      });
      outcome = { type: 'report', ...report };
    } catch (error) {
      outcome = { type: 'error', status: errorStatus(error), error: errorBody(error) };
    }
    const [exists] = await admin.unsafe<[{ t: string | null }]>(
      `select to_regclass('${table(c)}')::text as t`,
    );
    const rows = exists?.t
      ? (await admin.unsafe<[{ n: number }]>(`select count(*)::int4 as n from ${table(c)}`))[0].n
      : -1;
    return seen(outcome, rejects, rows);
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const [mine, theirs] = [await offline(c), await server(c)];
      expect(mine).toEqual(theirs);
    });
  }
});
