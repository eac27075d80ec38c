/** Which source field feeds which column, and every mapping mistake caught before a row is sent. */
import { Oid } from '@haul/protocol/types';
import { describe, expect, it } from 'vitest';
import { LoadConfigError } from '../../src/errors.ts';
import { type MappingInput, mapColumns } from '../../src/schema/mapping.ts';
import type { TargetColumn, TargetTable } from '../../src/schema/target.ts';
import { column as textColumn } from './columns.ts';

function column(name: string, position: number, extra: Partial<TargetColumn> = {}): TargetColumn {
  return textColumn('text', { name, position, typeOid: Oid.text, ...extra });
}

/** id identity always, Name not null, note nullable, total generated, created not null with a default. */
const table: TargetTable = {
  schema: 'public',
  name: 't',
  qualified: '"public"."t"',
  columns: [
    column('id', 1, { notNull: true, identity: 'a' }),
    column('Name', 2, { notNull: true }),
    column('note', 3),
    column('total', 4, { generated: true, hasDefault: true }),
    column('created', 5, { notNull: true, hasDefault: true }),
  ],
};

const map = (input: Partial<MappingInput>) => mapColumns({ table, header: null, firstRowWidth: 0, ...input });
const names = (columns: readonly TargetColumn[]) => columns.map((c) => c.name);

function configError(input: Partial<MappingInput>): string {
  try {
    map(input);
  } catch (error) {
    expect(error).toBeInstanceOf(LoadConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a LoadConfigError');
}

describe('explicit columns', () => {
  it('maps field i to the named column, in source order', () => {
    const m = map({ explicit: ['note', 'Name'], header: ['a', 'b'], firstRowWidth: 2 });
    expect(names(m.columns)).toEqual(['note', 'Name']);
    expect(m.fieldIndex).toEqual([0, 1]);
    expect(m.ignored).toEqual([]);
  });

  it('wins over the header and matches names case-insensitively when unambiguous', () => {
    const m = map({ explicit: ['NAME', 'ID'], header: ['x', 'y'], firstRowWidth: 2 });
    expect(names(m.columns)).toEqual(['Name', 'id']);
  });

  it('rejects unknown names, naming them and the table columns', () => {
    const message = configError({ explicit: ['Name', 'nope', 'zip'], firstRowWidth: 3 });
    expect(message).toContain('has no column "nope", "zip"');
    expect(message).toContain('"id", "Name", "note", "total", "created"');
  });

  it('skips unknown names with ignoreUnknown', () => {
    const m = map({ explicit: ['Name', 'nope'], firstRowWidth: 2, ignoreUnknown: true });
    expect(names(m.columns)).toEqual(['Name']);
    expect(m.ignored).toEqual(['nope']);
  });

  it('fixes the row width at the list, and refuses a list that does not match the header', () => {
    // Without a header, each row must have one field per name: a wider row is a bad row, not a drop.
    expect(map({ explicit: ['Name'], firstRowWidth: 3 }).width).toBe(1);
    expect(configError({ explicit: ['Name'], header: ['a', 'b', 'c'], firstRowWidth: 3 })).toContain(
      "the columns list names 1 columns but the source's header has 3 fields",
    );
  });

  it('rejects a name given twice, or two names for one column', () => {
    expect(configError({ explicit: ['Name', 'Name'], firstRowWidth: 2 })).toContain('more than once');
    expect(configError({ explicit: ['Name', 'NAME'], firstRowWidth: 2 })).toContain(
      '"Name" and "NAME" both map to column "Name"',
    );
  });
});

describe('by header', () => {
  it('matches exactly first, then ignoring case', () => {
    const m = map({ header: ['note', 'name', 'ID'], firstRowWidth: 3 });
    expect(names(m.columns)).toEqual(['note', 'Name', 'id']);
    expect(m.fieldIndex).toEqual([0, 1, 2]);
  });

  it('prefers the exact match when names differ only in case, and never guesses between two', () => {
    const twins: TargetTable = { ...table, columns: [column('ab', 1), column('AB', 2)] };
    const m = mapColumns({ table: twins, header: ['AB', 'ab'], firstRowWidth: 2 });
    expect(m.columns.map((c) => c.position)).toEqual([2, 1]);
    // 'Ab' matches neither exactly and both ignoring case: ambiguous, so unknown.
    expect(() => mapColumns({ table: twins, header: ['Ab'], firstRowWidth: 1 })).toThrow(
      'has no column "Ab"',
    );
  });

  it('rejects unknown header names unless told to ignore them', () => {
    expect(configError({ header: ['Name', 'extra'], firstRowWidth: 2 })).toContain('has no column "extra"');
    const m = map({ header: ['extra', 'Name', ''], firstRowWidth: 3, ignoreUnknown: true });
    expect(names(m.columns)).toEqual(['Name']);
    expect(m.fieldIndex).toEqual([1]);
    expect(m.ignored).toEqual(['extra', 'field 3']);
  });

  it('maps a repeated header name to name_2 and a blank one to colN, the names createTable gives them', () => {
    expect(configError({ header: ['Name', 'note', 'Name'], firstRowWidth: 3 })).toContain(
      'has no column "Name_2" (field 3, "Name" again)',
    );
    expect(configError({ header: ['Name', ''], firstRowWidth: 2 })).toContain(
      'has no column "col2" (field 2 has no name)',
    );
    const named: TargetTable = {
      ...table,
      columns: [column('Name', 1), column('Name_2', 2), column('col3', 3)],
    };
    const m = mapColumns({ table: named, header: ['Name', 'Name', ' '], firstRowWidth: 3 });
    expect(names(m.columns)).toEqual(['Name', 'Name_2', 'col3']);
  });

  it('cuts a long header name to the 63 bytes the server keeps', () => {
    const long = 'é'.repeat(40);
    const cut: TargetTable = { ...table, columns: [column('é'.repeat(31), 1)] };
    expect(names(mapColumns({ table: cut, header: [long], firstRowWidth: 1 }).columns)).toEqual([
      'é'.repeat(31),
    ]);
  });

  it('rejects duplicate or empty names in a columns list', () => {
    expect(configError({ explicit: ['Name', 'Name'], firstRowWidth: 2 })).toContain(
      'columns list names "Name" more than once',
    );
    expect(configError({ explicit: ['Name', ' '], firstRowWidth: 2 })).toContain(
      'columns list: entry 2 is empty',
    );
  });

  it('explains that generated columns are never loaded, or ignores them', () => {
    const message = configError({ header: ['Name', 'total'], firstRowWidth: 2 });
    expect(message).toContain('"total" is a generated column');
    expect(message).toContain('never loaded');
    const m = map({ header: ['Name', 'total'], firstRowWidth: 2, ignoreUnknown: true });
    expect(names(m.columns)).toEqual(['Name']);
    expect(m.ignored).toEqual(['total']);
  });

  it('rejects a NOT NULL column without a default that the source leaves out', () => {
    expect(configError({ header: ['note'], firstRowWidth: 1 })).toContain(
      '"Name" is NOT NULL without a default, and the source does not provide it',
    );
  });

  it('needs at least one mapped column', () => {
    const loose: TargetTable = { ...table, columns: [column('a', 1)] };
    expect(() => mapColumns({ table: loose, header: ['x'], firstRowWidth: 1, ignoreUnknown: true })).toThrow(
      'no source column maps',
    );
  });
});

describe('by position', () => {
  it('fills the writable columns in attnum order, skipping generated ones', () => {
    const m = map({ firstRowWidth: 4 });
    expect(names(m.columns)).toEqual(['id', 'Name', 'note', 'created']);
    expect(m.fieldIndex).toEqual([0, 1, 2, 3]);
    expect(m.keyIndex).toBeUndefined();
  });

  it('takes the width from the table, as COPY does, not from a narrower first row', () => {
    // A short first row must not decide the width: every later row's fields would slide.
    const m = map({ firstRowWidth: 2 });
    expect(names(m.columns)).toEqual(['id', 'Name', 'note', 'created']);
    expect(m.width).toBe(4);
  });

  it('rejects a wider source, or drops the extra fields with ignoreUnknown', () => {
    // Wider rows are bad rows when they come (COPY's "extra data after last expected column").
    expect(map({ firstRowWidth: 6 }).width).toBe(4);
    const m = map({ firstRowWidth: 6, ignoreUnknown: true });
    expect(names(m.columns)).toEqual(['id', 'Name', 'note', 'created']);
    expect(m.ignored).toEqual(['field 5', 'field 6']);
  });

  it('maps every writable column for an empty source', () => {
    expect(names(map({ firstRowWidth: 0 }).columns)).toEqual(['id', 'Name', 'note', 'created']);
  });

  it('counts identity columns as having a value when left out', () => {
    const t: TargetTable = {
      ...table,
      columns: [column('Name', 1), column('id', 2, { notNull: true, identity: 'd' })],
    };
    expect(names(mapColumns({ table: t, header: ['Name'], firstRowWidth: 1 }).columns)).toEqual(['Name']);
  });
});
