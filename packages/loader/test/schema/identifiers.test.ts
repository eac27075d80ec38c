/** Table names read the way PostgreSQL's parser reads them, and identifiers quoted so they survive. */
import { describe, expect, it } from 'vitest';
import { LoadConfigError } from '../../src/errors.ts';
import { parseQualifiedName, quoteIdent, quoteQualified } from '../../src/schema/identifiers.ts';

describe('quoteIdent', () => {
  it('always quotes and doubles quotes inside', () => {
    expect(quoteIdent('t')).toBe('"t"');
    expect(quoteIdent('My "Tab"')).toBe('"My ""Tab"""');
    expect(quoteIdent('select')).toBe('"select"');
  });
  it('refuses NUL', () => {
    expect(() => quoteIdent('a\0b')).toThrow(LoadConfigError);
  });
});

describe('parseQualifiedName', () => {
  it.each([
    ['t', { schema: null, name: 't' }],
    ['Orders', { schema: null, name: 'orders' }],
    ['Sales.Orders', { schema: 'sales', name: 'orders' }],
    ['"My Schema"."Tab.le"', { schema: 'My Schema', name: 'Tab.le' }],
    ['"a""b"', { schema: null, name: 'a"b' }],
    ['"x"."""q"""', { schema: 'x', name: '"q"' }],
    ['public."MixedCase"', { schema: 'public', name: 'MixedCase' }],
    ['"Sch".tab_1$', { schema: 'Sch', name: 'tab_1$' }],
    ['  s . "T"  ', { schema: 's', name: 'T' }],
    ['ÄÖ.Üx', { schema: 'ÄÖ', name: 'Üx' }],
  ])('%s', (text, expected) => {
    expect(parseQualifiedName(text)).toEqual(expected);
  });

  it.each([
    ['', 'missing'],
    ['a.', 'missing'],
    ['.a', 'missing'],
    ['a.b.c', 'expected `name` or `schema.name`'],
    ['"open', 'not closed'],
    ['""', 'empty'],
    ['my table', 'unexpected'],
    ['my-table', 'must be quoted'],
    ['1abc', 'must be quoted'],
    ['"a"b', 'unexpected'],
  ])('rejects %j', (text, why) => {
    expect(() => parseQualifiedName(text)).toThrow(LoadConfigError);
    expect(() => parseQualifiedName(text)).toThrow(why);
  });

  it('round-trips through quoteQualified', () => {
    for (const text of ['"My Schema"."Tab.le"', '"a""b"', 'S.T']) {
      const parsed = parseQualifiedName(text);
      expect(parseQualifiedName(quoteQualified(parsed))).toEqual(parsed);
    }
  });
});
