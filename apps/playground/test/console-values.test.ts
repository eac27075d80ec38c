/**
 * The SQL console shows the same values in both modes: the worker mode's protocol connection (with
 * CONSOLE_TYPES, as ws-sql.ts opens it; here straight to the server rather than through the worker's
 * WebSocket proxy, which carries the bytes unchanged) and the offline engine on PGlite, for values
 * where a JS conversion would differ or lose something.
 */
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { CONSOLE_TYPES } from '../src/engine/console-types.ts';
import type { Engine } from '../src/engine/contract.ts';
import { createOfflineEngine } from '../src/engine/offline/index.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

const SELECT =
  "select 'NaN'::float8 as nan, 'infinity'::float8 as inf, -0.5::float4 as f4, null::float8 as nothing, " +
  "9007199254740993::int8 as big, 'NaN'::numeric as nn, 1.50::numeric as n, " +
  '\'{"a": 9007199254740993, "b": [1.10, 1e999]}\'::jsonb as doc, \'[1.0]\'::json as j, ' +
  "'2024-01-15 10:20:30.123456'::timestamp as ts, '2024-01-15'::date as d, 'infinity'::date as forever, " +
  "'{9007199254740993,NULL}'::int8[] as ids, array['{\"x\": 1}']::jsonb[] as docs, " +
  "array['2024-01-15']::date[] as days, '\\x0102'::bytea as b, true as t";

describe(`console values, worker mode vs offline (${target.name})`, () => {
  let offline: Engine;
  beforeAll(async () => {
    offline = await createOfflineEngine();
  });
  afterAll(() => offline?.close());

  it('decode the same', async () => {
    const db = await connect({ url: target.url, types: CONSOLE_TYPES });
    let worker: Record<string, unknown>;
    try {
      worker = (await db.query(SELECT)).rows[0]!;
    } finally {
      await db.close();
    }
    const [result] = await offline.sql([{ sql: SELECT }], 'independent');
    if (!result?.ok) throw new Error(JSON.stringify(result));
    expect(result.rows[0]).toEqual(worker);
    expect(worker['doc']).toBe(`{"a": 9007199254740993, "b": [1.10, 1${'0'.repeat(999)}]}`);
  });
});
