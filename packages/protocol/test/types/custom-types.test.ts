/**
 * Query results through a caller's TypeRegistry, against the real server: an enum decoded into a JS
 * union (and arrays of it through its array OID), a range into an object, and types registered after
 * a statement was prepared.
 */

import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { connect } from '../../src/adapters/node.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { ArrayOid, Oid } from '../../src/types/oids.ts';
import { type FieldDecoder, TypeRegistry, textDecoder } from '../../src/types/registry.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Other test files share the server: a name of this run's own. */
const MOOD = `custom_types_mood_${process.pid}`;

const MOODS = ['sad', 'ok', 'happy'] as const;
type Mood = (typeof MOODS)[number];

function parseMood(label: string): Mood {
  const mood = MOODS.find((m) => m === label);
  if (mood === undefined) throw new Error(`not a mood: ${label}`);
  return mood;
}

/** int4range's text form, as range_out writes it: 'empty', '[1,10)', '(,5]' (a missing bound is unbounded). */
type IntRange =
  | { empty: true }
  | {
      empty: false;
      lower: number | null;
      upper: number | null;
      lowerInclusive: boolean;
      upperInclusive: boolean;
    };

function parseIntRange(text: string): IntRange {
  if (text === 'empty') return { empty: true };
  const match = /^([[(])(-?\d*),(-?\d*)([\])])$/.exec(text);
  if (match === null) throw new Error(`not an int4range: ${text}`);
  return {
    empty: false,
    lower: match[2] === '' ? null : Number(match[2]),
    upper: match[3] === '' ? null : Number(match[3]),
    lowerInclusive: match[1] === '[',
    upperInclusive: match[4] === ']',
  };
}

let setup: Connection;
let moodOid = 0;
let moodArrayOid = 0;

beforeAll(async () => {
  setup = await connect(url);
  await setup.query(`drop type if exists ${MOOD} cascade`);
  await setup.query(`create type ${MOOD} as enum ('sad', 'ok', 'happy')`);
  const { rows } = await setup.query<{ oid: number; typarray: number }>(
    'select oid, typarray from pg_type where typname = $1',
    [MOOD],
  );
  moodOid = rows[0]!.oid;
  moodArrayOid = rows[0]!.typarray;
});

afterAll(async () => {
  await setup?.query(`drop type if exists ${MOOD} cascade`);
  await setup?.close();
});

function moodRegistry(): TypeRegistry {
  const registry = new TypeRegistry();
  registry.registerTextType<Mood>(MOOD, moodOid, {
    arrayOid: moodArrayOid,
    textDecode: textDecoder(parseMood),
  });
  return registry;
}

describe('a registry passed to connect', () => {
  it('decodes an enum into a union, and arrays of it through the array OID', async () => {
    const db = await connect({ url, types: moodRegistry() });
    try {
      const { rows } = await db.query<{ mood: Mood; moods: (Mood | null)[] }>(
        `select 'happy'::${MOOD} as mood, array['sad', null, 'ok']::${MOOD}[] as moods`,
      );
      expect(rows).toEqual([{ mood: 'happy', moods: ['sad', null, 'ok'] }]);
    } finally {
      await db.close();
    }
  });

  it('decodes a range into an object, int4range[] included', async () => {
    const registry = new TypeRegistry({ int8: 'string' });
    registry.register({
      name: 'int4range',
      oid: Oid.int4range,
      arrayOid: ArrayOid.int4range,
      textDecode: textDecoder(parseIntRange),
    });
    const db = await connect({ url, types: registry });
    try {
      const { rows } = await db.query(
        `select int4range(1, 10) as closed_open, '(,5]'::int4range as unbounded, 'empty'::int4range as empty,
           array[int4range(2, 3)] as ranges, 9007199254740993::int8 as big`,
      );
      expect(rows[0]).toEqual({
        // range_out writes the canonical form of int4range: [lower, upper).
        closed_open: { empty: false, lower: 1, upper: 10, lowerInclusive: true, upperInclusive: false },
        unbounded: { empty: false, lower: null, upper: 6, lowerInclusive: false, upperInclusive: false },
        empty: { empty: true },
        ranges: [{ empty: false, lower: 2, upper: 3, lowerInclusive: true, upperInclusive: false }],
        // The registry's own options still apply to the built-ins.
        big: '9007199254740993',
      });
    } finally {
      await db.close();
    }
  });

  it('applies a type registered after a statement was prepared', async () => {
    const registry = new TypeRegistry();
    const db = await connect({ url, types: registry });
    const sql = `select $1::text::${MOOD} as mood`;
    try {
      // The first run prepares the statement, the second reuses its plan.
      expect((await db.query(sql, ['ok'])).rows).toEqual([{ mood: 'ok' }]);
      expect((await db.query(sql, ['sad'])).rows).toEqual([{ mood: 'sad' }]);
      registry.register({
        name: MOOD,
        oid: moodOid,
        textDecode: textDecoder((label) => label.toUpperCase()),
      });
      expect((await db.query(sql, ['happy'])).rows).toEqual([{ mood: 'HAPPY' }]);
    } finally {
      await db.close();
    }
  });

  it('keeps decoding enums as text without a registration', async () => {
    const db = await connect(url);
    try {
      const { rows } = await db.query(`select array['ok']::${MOOD}[] as moods`);
      // The server's array literal, undecoded: nothing says what the array's element type is.
      expect(rows).toEqual([{ moods: '{ok}' }]);
    } finally {
      await db.close();
    }
  });
});

describe('COPY on a connection with a registry', () => {
  it('finds registered types by name, both ways', async () => {
    const db = await connect({ url, types: moodRegistry() });
    const table = `custom_types_moods_${process.pid}`;
    try {
      await db.query(`create temp table ${table} (id int4, mood ${MOOD}, moods ${MOOD}[])`);
      const rows = [
        [1, 'happy', ['sad', null]],
        [2, null, []],
      ];
      const columns = [
        { name: 'id', type: 'int4' },
        { name: 'mood', type: MOOD },
        { name: 'moods', type: `${MOOD}[]` },
      ];
      await db.copyInRows(`copy ${table} from stdin (format binary)`, columns, rows);
      const { rows: text } = await db.query(`select mood, moods from ${table} order by id`);
      expect(text).toEqual([
        { mood: 'happy', moods: ['sad', null] },
        { mood: null, moods: [] },
      ]);
      const out: unknown[][] = [];
      for await (const row of db.copyOutRows(`copy ${table} to stdout (format binary)`, [
        'int4',
        MOOD,
        `_${MOOD}`,
      ])) {
        out.push(row);
      }
      expect(out).toEqual(rows);
    } finally {
      await db.close();
    }
  });
});

describe('types of registered decoders', () => {
  it('carry the parsed type', () => {
    expectTypeOf(textDecoder(parseMood)).toEqualTypeOf<FieldDecoder<Mood>>();
    expectTypeOf(textDecoder(parseIntRange)).returns.toEqualTypeOf<IntRange>();
    const registry = new TypeRegistry();
    // @ts-expect-error: a decoder of numbers is not a decoder of moods.
    registry.register<Mood>({ name: 'mood', oid: 1, textDecode: textDecoder(Number) });
    registry.registerTextType<Mood>('mood', 1, { textDecode: textDecoder(parseMood) });
    expect(registry.decoder(1)).toBeTypeOf('function');
  });
});
