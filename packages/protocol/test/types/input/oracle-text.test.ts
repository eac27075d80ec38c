/**
 * The text-like, bytea, uuid, "char" and array converters against the server's input and send
 * functions. (jsonb, enums and typmods are covered by copy-roundtrip.test.ts: their binary format is
 * checked on the server's receiving end, which a send-function oracle cannot show.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { converterFor } from './support/convert.ts';
import { compare, ServerOracle } from './support/server-oracle.ts';
import {
  ARRAY_CASES,
  BYTEA_TEXTS,
  CHAR_TEXTS,
  JSON_TEXTS,
  TEXT_TEXTS,
  UUID_TEXTS,
  uuidTexts,
} from './support/text-corpus.ts';

const scalars = [
  { type: 'text', values: TEXT_TEXTS },
  { type: 'varchar', values: TEXT_TEXTS },
  { type: 'bpchar', values: TEXT_TEXTS },
  { type: 'name', values: TEXT_TEXTS },
  // json_recv checks the syntax as json_in does; the converter only copies.
  { type: 'json', values: JSON_TEXTS, passThrough: true },
  { type: 'char', values: CHAR_TEXTS, sqlType: '"char"' },
  { type: 'bytea', values: BYTEA_TEXTS },
  { type: 'uuid', values: [...UUID_TEXTS, ...uuidTexts(200, 11)] },
];

describe.each(databaseTargets())('text-like converters against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
  });
  afterAll(async () => {
    await oracle?.close();
  });

  it.each(scalars)(
    '$type matches the server byte for byte',
    async ({ type, values, sqlType, passThrough }) => {
      const converter = converterFor(type, { timeZone: 'UTC', serverVersion: oracle.version })!;
      const result = await compare(oracle, sqlType ?? type, converter, values, passThrough);
      expect(result.wrong).toEqual([]);
      expect(result.messages).toEqual([]);
      expect(result.notConverted).toEqual([]);
    },
  );

  it('"char" never differs when the server version is unknown', async () => {
    const converter = converterFor('char', { timeZone: 'UTC' })!;
    expect((await compare(oracle, '"char"', converter, CHAR_TEXTS)).wrong).toEqual([]);
  });

  it.each(ARRAY_CASES)('$type matches the server byte for byte', async ({ type, values }) => {
    const element = type.slice(0, -2);
    const converter = converterFor(`_${element}`, {
      timeZone: 'UTC',
      serverVersion: oracle.version,
    })!;
    expect(converter).not.toBeNull();
    const result = await compare(oracle, type, converter, values);
    expect(result.wrong).toEqual([]);
    expect(result.messages).toEqual([]);
    const multidimensional = values.filter((text) => /^\s*\[|\{\s*\{/.test(text));
    expect(result.notConverted).toEqual(multidimensional.map((text) => JSON.stringify(text)));
  });
});
