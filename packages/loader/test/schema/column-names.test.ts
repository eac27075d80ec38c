/**
 * Target column names: blank → colN, repeated → name_2, and the 63-byte cut checked against the
 * server's own (an identifier in SQL text, as CREATE TABLE gets it) for random multibyte names.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { LoadConfigError } from '../../src/errors.ts';
import {
  explicitColumnNames,
  MAX_IDENTIFIER_BYTES,
  targetColumnNames,
  truncateIdentifier,
} from '../../src/schema/column-names.ts';
import { quoteIdent } from '../../src/schema/identifiers.ts';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('targetColumnNames', () => {
  it('keeps written names, names blank ones colN and repeated ones name_2', () => {
    expect(targetColumnNames(['id', '', 'id', 'Name ', '  '], 5)).toEqual([
      'id',
      'col2',
      'id_2',
      'Name ',
      'col5',
    ]);
    expect(targetColumnNames(null, 2)).toEqual(['col1', 'col2']);
    expect(targetColumnNames(['a'], 3)).toEqual(['a', 'col2', 'col3']);
  });

  it('never gives a generated name that the header itself uses', () => {
    // The written "b_2" and "col2" keep their names; the repeat and the blank go around them.
    expect(targetColumnNames(['b', 'b', 'b_2'], 3)).toEqual(['b', 'b_3', 'b_2']);
    expect(targetColumnNames(['col2', ''], 2)).toEqual(['col2', 'col2_2']);
  });

  it('cuts long names to 63 bytes and tells apart names that only differ after the cut', () => {
    const a = `${'x'.repeat(70)}a`;
    const b = `${'x'.repeat(70)}b`;
    const [first, second] = targetColumnNames([a, b], 2);
    expect(first).toBe('x'.repeat(63));
    expect(second).toBe(`${'x'.repeat(61)}_2`);
    const wide = targetColumnNames(['€'.repeat(30), '€'.repeat(30)], 2);
    // 21 × 3 bytes = 63; the suffixed one keeps 20 euros (60 bytes) + "_2".
    expect(wide).toEqual(['€'.repeat(21), `${'€'.repeat(20)}_2`]);
    for (const name of wide) expect(bytes(name)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
  });

  it('always gives distinct names of at most 63 bytes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constantFrom('', ' ', 'a', 'a_2', 'col1', 'col2'), fc.string({ maxLength: 80 })),
          {
            maxLength: 12,
          },
        ),
        (header) => {
          const names = targetColumnNames(header, header.length);
          expect(new Set(names).size).toBe(names.length);
          for (const name of names) {
            expect(bytes(name)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
            expect(name.trim()).not.toBe('');
          }
        },
      ),
    );
  });

  it('takes an explicit list as written, cut, with no blanks', () => {
    expect(explicitColumnNames(['a', 'y'.repeat(64)])).toEqual(['a', 'y'.repeat(63)]);
    expect(() => explicitColumnNames(['a', ''])).toThrow(LoadConfigError);
  });
});

describe.each(databaseTargets())('truncateIdentifier against $name', ({ url }) => {
  let db: Connection;
  beforeAll(async () => {
    db = await connect(url);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The name the server keeps for `name` written as a quoted identifier. */
  async function serverCut(names: readonly string[]): Promise<string[]> {
    const list = names.map((name, i) => `${i} as ${quoteIdent(name)}`).join(', ');
    const { rows } = await db.query<Record<string, number>>(`select ${list}`);
    return Object.keys(rows[0]!).sort((a, b) => rows[0]![a]! - rows[0]![b]!);
  }

  it('cuts exactly where the server does, never inside a character', async () => {
    const char = fc.constantFrom('a', 'é', '€', '😀', 'ß', '中', 'Z', '_');
    const names = fc.sample(
      fc.array(char, { minLength: 15, maxLength: 70 }).map((c) => c.join('')),
      300,
    );
    names.push('a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(62)}é`, `${'a'.repeat(61)}😀`);
    // Distinct after the cut, or the select list would repeat a column name.
    const distinct = [...new Map(names.map((name) => [truncateIdentifier(name), name])).values()];
    expect(await serverCut(distinct)).toEqual(distinct.map((name) => truncateIdentifier(name)));
  });
});
