/** The text dialect (`tsv`): PostgreSQL COPY's default text format. */
import { describe, expect, it } from 'vitest';
import { BadRowError, LoadConfigError } from '../../src/errors.ts';
import { parseDelimited } from '../../src/source/csv-parser.ts';
import { FIELD_ESCAPED, FIELD_NULL } from '../../src/source/field-batch.ts';
import { encode, parseAll, parseValues, pieces } from './helpers.ts';

const text = { dialect: 'text', header: false } as const;

describe('COPY text format', () => {
  it('splits at tabs and line feeds; \\N is NULL, an empty field is an empty string', async () => {
    expect(await parseValues('a\tb\t\n\\N\t\tc\n', text)).toEqual([
      ['a', 'b', ''],
      [null, '', 'c'],
    ]);
  });

  it('unescapes every backslash sequence COPY knows', async () => {
    const input = '\\b\\f\\n\\r\\t\\v|\\\\|\\101\\7|\\x41\\x4a\\x4|\\xg|\\q\\.|\\N2\n';
    expect(await parseValues(input, text)).toEqual([['\b\f\n\r\t\v|\\|A\x07|AJ\x04|xg|q.|N2']]);
  });

  it('octal and hex escapes make bytes, which may form UTF-8', async () => {
    expect(await parseValues('\\303\\251\\xc3\\xa9\n', text)).toEqual([['éé']]);
  });

  it('a backslash takes a delimiter or a line ending into the field', async () => {
    const parsed = await parseAll('a\\\tb\tc\\\nd\ne\n', text);
    expect(parsed.rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a\tb', 'c\nd']],
      [3, ['e']],
    ]);
  });

  it('accepts CRLF and CR line endings, and refuses mixed ones', async () => {
    expect(await parseValues('a\tb\r\nc\td\r\n', text)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await parseValues('a\rb\r', text)).toEqual([['a'], ['b']]);
    const error = await parseValues('a\nb\rc\n', text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).message).toMatch(/literal carriage return/);
    expect((error as BadRowError).line).toBe(2);
  });

  it('flags: NULL for the null string, ESCAPED for any other field with a backslash', async () => {
    for await (const batch of parseDelimited(pieces(encode('\\N\tx\\ty\tplain\t\\\\N\n')), text)) {
      expect([...batch.fieldFlags.subarray(0, 4)]).toEqual([FIELD_NULL, FIELD_ESCAPED, 0, FIELD_ESCAPED]);
    }
  });

  it('takes a custom delimiter and null string', async () => {
    expect(await parseValues('a|NULL|\\|b\n', { ...text, delimiter: '|', null: 'NULL' })).toEqual([
      ['a', null, '|b'],
    ]);
  });

  it('has no quoting: quotes are data', async () => {
    expect(await parseValues('"a\tb"\n', text)).toEqual([['"a', 'b"']]);
  });

  it('reads a header and counts lines from it', async () => {
    const parsed = await parseAll('id\tna\\tme\n1\tx\n', { dialect: 'text', header: true });
    expect(parsed.header).toEqual(['id', 'na\tme']);
    expect(parsed.rows).toEqual([{ line: 2, fields: ['1', 'x'], raw: '1\tx\n' }]);
  });

  it('refuses quote/escape and delimiters COPY refuses in text format', async () => {
    for (const options of [{ quote: '"' }, { escape: '\\' }, { delimiter: '\\' }, { delimiter: 'a' }]) {
      await expect(parseValues('a\n', { ...text, ...options })).rejects.toBeInstanceOf(LoadConfigError);
    }
  });

  it('drops a backslash that is the very last byte, as COPY does', async () => {
    expect(await parseValues('a\\', text)).toEqual([['a']]);
  });
});
