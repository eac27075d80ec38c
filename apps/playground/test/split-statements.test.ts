import { describe, expect, it } from 'vitest';
import { splitStatements } from '../src/sql/split-statements.ts';

const sqls = (text: string) => splitStatements(text).map((s) => s.sql);

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(sqls('select 1; select 2;;  ;\n')).toEqual(['select 1', 'select 2']);
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and comments', () => {
    expect(
      sqls(
        `select ';' as a, "x;y"; select $$a;b$$, $f$c;d$f$; select E'\\';' -- no; split\n; /* a; /* b; */ c; */ select 3`,
      ),
    ).toEqual([
      `select ';' as a, "x;y"`,
      'select $$a;b$$, $f$c;d$f$',
      `select E'\\';' -- no; split`,
      '/* a; /* b; */ c; */ select 3',
    ]);
  });

  it('treats a $ inside an identifier as part of it, not a dollar quote', () => {
    expect(sqls('select a$b from t; select 2')).toEqual(['select a$b from t', 'select 2']);
  });

  it('drops statements that are only comments', () => {
    expect(sqls('-- nothing;\n/* still; nothing */ ; select 1')).toEqual(['select 1']);
  });

  it('gives each statement its offset in the text, for marking error positions', () => {
    const text = 'select 1;\n\n  select nosuch';
    const [, second] = splitStatements(text);
    expect(second).toEqual({ sql: 'select nosuch', start: text.indexOf('select nosuch') });
  });
});
