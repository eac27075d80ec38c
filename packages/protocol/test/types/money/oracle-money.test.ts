/**
 * The money converter against cash_in and cash_send under lc_monetary C: symbols, signs in every
 * place, parentheses, thousands separators, rounding past two decimals, the int64 limits, and
 * generated amounts, byte for byte on every target. Under another locale there is no converter.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { converterFor } from '../input/support/convert.ts';
import { compare, ServerOracle } from '../input/support/server-oracle.ts';

const MONEY_TEXTS = [
  '0',
  '1',
  '12.34',
  '$12.34',
  ' $ 12.34 ',
  '-12.34',
  '$-12.34',
  '-$12.34',
  '- $ 12.34',
  '+12.34',
  '(12.34)',
  '($12.34)',
  '12.34-',
  '12.34 -',
  '12.34+',
  '12.34$',
  '12.34 $ ',
  '12.34)',
  '1,234.56',
  '1,2,3,4.5',
  ',,1',
  '1,,,',
  '.5',
  '.',
  '',
  ' ',
  '$',
  '-',
  '()',
  '1.2.3',
  '1.234',
  '1.235',
  '1.2351',
  '1.239999',
  '-1.235',
  '1.5e3',
  'abc',
  '12abc',
  '12 34',
  '12.34 56',
  '$$12',
  '12$$',
  '12$-$',
  '92233720368547758.07',
  '92233720368547758.08',
  '-92233720368547758.08',
  '-92233720368547758.09',
  '92233720368547758.075',
  '-92233720368547758.075',
  '922337203685477580.7',
  '99999999999999999999',
  '90071992547409.91',
  '90071992547409.92',
  '-90071992547409.92',
  '9007199254740.995',
  '1,000,000.00',
  '00012.30',
  '12.',
  '12.3',
  '\t12\n',
  '12 )',
  '(12',
  'USD 12',
  '€12',
  '١٢',
];

function generated(seed: number, count: number): string[] {
  const amount = fc.tuple(fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), fc.nat(4)).map(([n, scale]) => {
    const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return `${n < 0n ? '-' : ''}${text}`;
  });
  const decorated = fc
    .tuple(fc.constantFrom('', '$', ' $'), amount, fc.constantFrom('', ' ', '-', ')', '$'))
    .map(([before, text, after]) => `${before}${text}${after}`);
  return fc.sample(decorated, { seed, numRuns: count });
}

describe.each(databaseTargets())('money converter against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
    await oracle.exec(`set lc_monetary = 'C'`);
  });
  afterAll(async () => {
    await oracle?.close();
  });

  it('matches the server byte for byte under lc_monetary C', async () => {
    const converter = converterFor('money', { timeZone: 'UTC', lcMonetary: 'C' })!;
    const result = await compare(oracle, 'money', converter, [...MONEY_TEXTS, ...generated(8, 1500)]);
    expect(result.wrong).toEqual([]);
    expect(result.messages).toEqual([]);
    expect(result.notConverted).toEqual([]);
  });

  it('has no converter when lc_monetary is another locale or not known', () => {
    expect(converterFor('money', { timeZone: 'UTC', lcMonetary: 'POSIX' })).not.toBeNull();
    expect(converterFor('money', { timeZone: 'UTC', lcMonetary: 'en_US.UTF-8' })).toBeNull();
    expect(converterFor('money', { timeZone: 'UTC' })).toBeNull();
  });
});
