/** The CSV dialect: RFC 4180 plus what PostgreSQL's COPY (FORMAT csv) does with everything else. */
import { describe, expect, it } from 'vitest';
import { BadRowError, LoadConfigError } from '../../src/errors.ts';
import { parseDelimited } from '../../src/source/csv-parser.ts';
import { FIELD_ESCAPED, FIELD_NULL } from '../../src/source/field-batch.ts';
import { fieldText, unescapeField } from '../../src/source/unescape.ts';
import { encode, parseAll, parseValues, pieces } from './helpers.ts';

const csv = { dialect: 'csv', header: false } as const;

describe('RFC 4180', () => {
  it('splits fields and rows', async () => {
    expect(await parseValues('a,b,c\n1,2,3\n', csv)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', async () => {
    const text = '"a,b","say ""hi""","two\nlines"\n"","x"\n';
    expect(await parseValues(text, csv)).toEqual([
      ['a,b', 'say "hi"', 'two\nlines'],
      ['', 'x'],
    ]);
  });

  it('accepts CRLF, LF and CR line endings, and a last row without one', async () => {
    expect(await parseValues('a,b\r\nc,d\r\ne,f', csv)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect(await parseValues('a,b\rc,d\r', csv)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await parseValues('a\nb', csv)).toEqual([['a'], ['b']]);
  });

  it('keeps a CRLF inside quotes as data', async () => {
    expect(await parseValues('"a\r\nb",c\r\n', csv)).toEqual([['a\r\nb', 'c']]);
  });

  it('refuses a line ending different from the first one, as COPY does', async () => {
    await expect(parseValues('a\nb\rc\n', csv)).rejects.toThrow(/unquoted carriage return/);
    await expect(parseValues('a\r\nb\nc\r\n', csv)).rejects.toThrow(/unquoted newline/);
    const error = await parseValues('a\r\nb\rc\r\n', csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).line).toBe(2);
  });

  it('reads an empty input as no rows, and an empty line as one NULL field', async () => {
    expect(await parseValues('', csv)).toEqual([]);
    expect(await parseValues('a\n\nb\n', csv)).toEqual([['a'], [null], ['b']]);
  });
});

describe('NULL and quoting', () => {
  it('an unquoted empty field is NULL, a quoted one is an empty string', async () => {
    expect(await parseValues(',"",x\n', csv)).toEqual([[null, '', 'x']]);
  });

  it('with a null string, only the unquoted field equal to it is NULL', async () => {
    const values = await parseValues('NULL,"NULL",,NULLx\n', { ...csv, null: 'NULL' });
    expect(values).toEqual([[null, 'NULL', '', 'NULLx']]);
  });

  it('a quote inside unquoted text opens a quoted section, like COPY', async () => {
    expect(await parseValues('ab"c,d"e,f\n', csv)).toEqual([['abc,de', 'f']]);
    expect(await parseValues('"a"b,c\n', csv)).toEqual([['ab', 'c']]);
    expect(await parseValues('a""b,"x""",""""\n', csv)).toEqual([['ab', 'x"', '"']]);
    // A quoted section may hold the line ending too.
    expect(await parseValues('a"b\nc"d,e\n', csv)).toEqual([['ab\ncd', 'e']]);
  });

  it('flags escaped fields and keeps their raw span', async () => {
    const batches = parseDelimited(pieces(encode('"a""b","plain",x"y"\n')), csv);
    for await (const batch of batches) {
      expect(batch.fieldFlags[0]! & FIELD_ESCAPED).toBe(FIELD_ESCAPED);
      expect(new TextDecoder().decode(batch.bytes.subarray(batch.fieldStart[0], batch.fieldEnd[0]))).toBe(
        'a""b',
      );
      expect(new TextDecoder().decode(unescapeField(batch, 0))).toBe('a"b');
      expect(batch.fieldFlags[1]).toBe(0);
      expect(fieldText(batch, 1)).toBe('plain');
      expect(batch.fieldFlags[2]! & FIELD_ESCAPED).toBe(FIELD_ESCAPED);
      expect(fieldText(batch, 2)).toBe('xy');
      const scratch = new Uint8Array(64);
      expect(unescapeField(batch, 0, scratch).buffer).toBe(scratch.buffer);
    }
  });

  it('an unterminated quoted field is a BadRowError naming the line where the row started', async () => {
    const error = await parseValues('a,b\nc,"d\ne\nf\n', csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).line).toBe(2);
    expect((error as BadRowError).message).toMatch(/unterminated CSV quoted field.*line 2/);
  });
});

describe('options', () => {
  it('takes a custom delimiter, quote and escape', async () => {
    expect(
      await parseValues("a;'b;c';'it\\'s'\n", { ...csv, delimiter: ';', quote: "'", escape: '\\' }),
    ).toEqual([['a', 'b;c', "it's"]]);
    // With an escape other than the quote, a doubled quote closes and reopens.
    expect(await parseValues('"a\\\\b","c""d","e\\x"\n', { ...csv, escape: '\\' })).toEqual([
      ['a\\b', 'cd', 'e\\x'],
    ]);
    expect(await parseValues('a\tb\t"c\td"\n', { ...csv, delimiter: '\t' })).toEqual([['a', 'b', 'c\td']]);
  });

  it('refuses options COPY would refuse', async () => {
    const cases = [
      { delimiter: ',,' },
      { delimiter: '\n' },
      { delimiter: '"' },
      { quote: 'é' },
      { null: 'a,b' },
      { null: '\r' },
    ];
    for (const options of cases) {
      await expect(parseValues('a\n', { ...csv, ...options })).rejects.toBeInstanceOf(LoadConfigError);
    }
  });
});

describe('header, BOM and line numbers', () => {
  it('reads the header as names, never as a data row; data starts on line 2', async () => {
    const parsed = await parseAll('id,"na""me",\n1,x,y\n', { dialect: 'csv', header: true });
    expect(parsed.header).toEqual(['id', 'na"me', '']);
    expect(parsed.rows).toEqual([{ line: 2, fields: ['1', 'x', 'y'], raw: '1,x,y\n' }]);
  });

  it('a header-only file has a header and no rows; an empty file has neither', async () => {
    const headerOnly = await parseAll('a,b', { dialect: 'csv', header: true });
    expect(headerOnly.header).toEqual(['a', 'b']);
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.batches).toBe(0);
    const empty = await parseAll('', { dialect: 'csv', header: true });
    expect(empty.header).toEqual([]);
    expect(empty.rows).toEqual([]);
  });

  it('skips a UTF-8 byte order mark at the very start (offsets still count it)', async () => {
    const parsed = await parseAll('\ufeffa,b\n1,2\n', { dialect: 'csv', header: true });
    expect(parsed.header).toEqual(['a', 'b']);
    expect(parsed.rows.map((r) => r.fields)).toEqual([['1', '2']]);
    expect(parsed.offsets).toEqual([7]);
    expect((await parseValues('\ufeffx\n', csv))[0]).toEqual(['x']);
  });

  it('counts physical lines: a row after two embedded newlines starts two lines later', async () => {
    const text = 'h\n"a\nb\nc"\nnext\n"x\r\ny"\nlast\n';
    const parsed = await parseAll(text, { dialect: 'csv', header: true });
    expect(parsed.rows.map((r) => [r.line, r.fields[0]])).toEqual([
      [2, 'a\nb\nc'],
      [5, 'next'],
      [6, 'x\r\ny'],
      [8, 'last'],
    ]);
  });

  it('gives every row its raw text and every batch its source offset', async () => {
    const text = 'a,b\n"1\n2",3\n4,5';
    const parsed = await parseAll(text, csv, { targetBytes: 1 });
    expect(parsed.rows.map((r) => r.raw)).toEqual(['a,b\n', '"1\n2",3\n', '4,5']);
    expect(parsed.offsets).toEqual([0, 4, 12]);
  });
});

describe('batches', () => {
  const row = 'id,some text here,3.25,2024-01-01T00:00:00Z,t\n';
  const text = row.repeat(10_000);

  it('yields batches of at least targetBytes of whole rows, the last one smaller', async () => {
    const target = 4096;
    const parsed = await parseAll(text, csv, { targetBytes: target, cuts: 1000 });
    expect(parsed.rows).toHaveLength(10_000);
    expect(parsed.batches).toBe(Math.ceil(text.length / (Math.ceil(target / row.length) * row.length)));
    expect(parsed.rows[9_999]!.line).toBe(10_000);
  });

  it('a row longer than targetBytes makes one larger batch (1 MiB and 5 MiB fields)', async () => {
    for (const size of [1024 * 1024, 5 * 1024 * 1024]) {
      const big = 'x'.repeat(size);
      const input = `a,b\n1,"${big}"\n2,${big}\n3,z\n`;
      const parsed = await parseAll(input, csv, { targetBytes: 64 * 1024, cuts: 64 * 1024 });
      expect(parsed.rows.map((r) => [r.fields[0], r.fields[1]!.length])).toEqual([
        ['a', 1],
        ['1', size],
        ['2', size],
        ['3', 1],
      ]);
      // After a header, the short rows before the long one move with the buffer as it grows.
      const short = 'x,y\n'.repeat(10);
      const withHeader = await parseAll(
        `h1,h2\n${short}${input}`,
        { ...csv, header: true },
        {
          targetBytes: 64 * 1024,
          cuts: 50_000, // not adopted: the buffer is owned, and grows with rows pending
        },
      );
      expect(withHeader.rows).toHaveLength(14);
      expect(withHeader.rows[9]).toEqual({ line: 11, fields: ['x', 'y'], raw: 'x,y\n' });
      expect(withHeader.rows[11]!.fields[1]).toHaveLength(size);
    }
  });

  it('parses one large buffer in place', async () => {
    const bytes = encode(text);
    const seen = new Set<ArrayBufferLike>();
    let rows = 0;
    for await (const batch of parseDelimited(pieces(bytes), csv, { targetBytes: 100_000 })) {
      seen.add(batch.bytes.buffer);
      rows += batch.rowCount;
    }
    expect(rows).toBe(10_000);
    expect([...seen]).toEqual([bytes.buffer]);
  });

  it('carries rows over from a chunk parsed in place to the chunks after it', async () => {
    const bytes = encode(text);
    // 200 kB is adopted in place (≥ the target and 64 KiB); its last rows wait for the small pieces.
    const cuts = [200_000, 200_003, 200_050, 210_000, 300_000, 300_001];
    const cutUp = await parseAll(bytes, csv, { targetBytes: 65_536, cuts });
    const whole = await parseAll(bytes, csv, { targetBytes: 65_536 });
    expect(cutUp.rows).toEqual(whole.rows);
    expect(cutUp.rows).toHaveLength(10_000);
  });

  it('stops reading the source when the consumer stops', async () => {
    let returned = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield encode('a,b\n'.repeat(1000));
      } finally {
        returned = true;
      }
    }
    for await (const batch of parseDelimited(endless(), csv, { targetBytes: 10_000 })) {
      expect(batch.rowCount).toBeGreaterThan(0);
      break;
    }
    expect(returned).toBe(true);
  });
});

it('NULL flags survive alongside escapes in one batch', async () => {
  for await (const batch of parseDelimited(pieces(encode(',"",""""\n')), csv)) {
    expect([...batch.fieldFlags.subarray(0, 3)]).toEqual([FIELD_NULL, 0, FIELD_ESCAPED]);
  }
});
