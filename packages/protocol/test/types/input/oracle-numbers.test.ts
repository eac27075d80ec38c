/**
 * The number and bool converters against the server's own input and send functions: for every text,
 * the same bytes, or both refuse (with the same message). A text the converter leaves to the server
 * ("cannot convert … use copyFormat: 'text'") must be one of the documented kinds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { converterFor } from './support/convert.ts';
import { BOOL_TEXTS, FLOAT_TEXTS, INTEGER_TEXTS, NUMERIC_TEXTS, OID_TEXTS } from './support/number-corpus.ts';
import { floatTexts, integerTexts, numericTexts } from './support/number-generators.ts';
import { compare, ServerOracle } from './support/server-oracle.ts';

interface Case {
  type: string;
  values: string[];
  /** Texts the converter may leave to the server even when it knows the server's version. */
  mayLeave: RegExp;
}

const NEVER = /^\b$/;

const cases: Case[] = [
  { type: 'bool', values: BOOL_TEXTS, mayLeave: NEVER },
  { type: 'int2', values: [...INTEGER_TEXTS, ...integerTexts(-32_768n, 32_767n, 400, 1)], mayLeave: NEVER },
  {
    type: 'int4',
    values: [...INTEGER_TEXTS, ...integerTexts(-2_147_483_648n, 2_147_483_647n, 400, 2)],
    mayLeave: NEVER,
  },
  {
    type: 'int8',
    values: [...INTEGER_TEXTS, ...integerTexts(-(2n ** 63n), 2n ** 63n - 1n, 600, 3)],
    mayLeave: NEVER,
  },
  { type: 'oid', values: [...OID_TEXTS, ...integerTexts(-(2n ** 31n), 2n ** 32n, 300, 4)], mayLeave: NEVER },
  { type: 'float8', values: [...FLOAT_TEXTS, ...floatTexts(3000, 5)], mayLeave: /nan\(|0x/i },
  { type: 'float4', values: [...FLOAT_TEXTS, ...floatTexts(3000, 6)], mayLeave: /nan\(|0x/i },
  { type: 'numeric', values: [...NUMERIC_TEXTS, ...numericTexts(2000, 7)], mayLeave: /0[xob]/i },
];

describe.each(databaseTargets())('number converters against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
  });
  afterAll(async () => {
    await oracle?.close();
  });

  describe.each(cases)('$type', ({ type, values, mayLeave }) => {
    it(`matches the server byte for byte (${values.length} texts, server version known)`, async () => {
      const converter = converterFor(type, { timeZone: 'UTC', serverVersion: oracle.version })!;
      const result = await compare(oracle, type, converter, values);
      expect(result.wrong).toEqual([]);
      expect(result.messages).toEqual([]);
      expect(result.notConverted.filter((text) => !mayLeave.test(text))).toEqual([]);
    });

    it('never differs when the server version is unknown (it may leave more to the server)', async () => {
      const converter = converterFor(type, { timeZone: 'UTC' })!;
      const result = await compare(oracle, type, converter, values);
      // Messages may be another version's (both refuse the text).
      expect(result.wrong).toEqual([]);
    });
  });
});
