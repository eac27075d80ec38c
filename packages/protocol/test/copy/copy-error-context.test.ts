/**
 * copyErrorContext against what the server writes: each of CopyFromErrorCallback's forms, read from
 * real errors, including a table whose name looks like the context itself, a value spanning lines,
 * and a trigger's frame before COPY's. A CONTEXT in another language, or none, reads as undefined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../src/adapters/node.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { copyErrorContext, copyErrorLine } from '../../src/copy-error-context.ts';
import { PostgresError } from '../../src/errors.ts';

const encoder = new TextEncoder();

function withWhere(where: string | undefined): PostgresError {
  return new PostgresError({ severity: 'ERROR', code: '22P02', message: 'm', ...(where ? { where } : {}) });
}

describe('copyErrorContext, from the text alone', () => {
  it('reads nothing from a translated context, another frame, or none', () => {
    expect(copyErrorLine(withWhere('COPY t, Zeile 3, Spalte b: »x«'))).toBeUndefined();
    expect(copyErrorLine(withWhere('PL/pgSQL function f() line 3 at RAISE'))).toBeUndefined();
    expect(copyErrorLine(withWhere(undefined))).toBeUndefined();
  });
});

describe.each(databaseTargets())('copyErrorContext on $name', ({ url }) => {
  let db: Connection;
  beforeAll(async () => {
    db = await connect(url);
  });
  afterAll(async () => {
    await db.close();
  });

  /** The error of `COPY <table> FROM STDIN (<options>)` fed `data`, in a transaction rolled back. */
  async function copyError(
    ddl: string,
    table: string,
    options: string,
    data: string,
  ): Promise<PostgresError> {
    await db.exec(`begin; ${ddl}`);
    try {
      await db.copyIn(`copy ${table} from stdin (${options})`, [encoder.encode(data)]);
      throw new Error('the COPY succeeded');
    } catch (error) {
      if (!(error instanceof PostgresError)) throw error;
      return error;
    } finally {
      await db.exec('rollback');
    }
  }

  it('reads line, column and value of a field the server refuses', async () => {
    const error = await copyError('create temp table c1 (a int, b int)', 'c1', 'format csv', '1,2\n3,x\n');
    expect(copyErrorContext(error)).toEqual({ relation: 'c1', line: 2, column: 'b', value: 'x' });
  });

  it('reads a null input and a whole-line error', async () => {
    const nulls = await copyError(
      'create domain pos_c2 as int not null; create temp table c2 (a pos_c2)',
      'c2',
      'format csv',
      '1\n\n',
    );
    expect(copyErrorContext(nulls)).toMatchObject({ line: 2 });
    const extra = await copyError('create temp table c3 (a int)', 'c3', 'format csv', '1\n2,3\n');
    expect(copyErrorContext(extra)).toEqual({ relation: 'c3', line: 2, value: '2,3' });
  });

  it('is not misled by a table named like its context, or a value holding line breaks', async () => {
    const error = await copyError(
      'create temp table "c4, line 1" (a text, b int)',
      '"c4, line 1"',
      'format csv',
      '"one\n, line 7",1\n"two",x\n',
    );
    // A line break quoted in the first record is not counted: the server has not seen a line end yet.
    expect(copyErrorContext(error)).toEqual({ relation: 'c4, line 1', line: 2, column: 'b', value: 'x' });
  });

  it('finds the COPY frame after a trigger’s', async () => {
    const error = await copyError(
      `create temp table c5 (a int);
       create function pg_temp.c5_refuse() returns trigger language plpgsql as $$
       begin raise exception 'no'; end $$;
       create trigger refuse before insert on c5 for each row execute function pg_temp.c5_refuse()`,
      'c5',
      'format csv',
      '1\n',
    );
    expect(error.where).toMatch(/^PL\/pgSQL function .*\nCOPY c5, line 1/s);
    expect(copyErrorLine(error)).toBe(1);
  });
});
