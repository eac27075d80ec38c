import { describe, expect, it } from 'vitest';
import { mayWrite } from '../../src/connection/write-classifier.ts';

describe('mayWrite (auto Sync policy)', () => {
  it.each([
    'select 1',
    'SELECT created_at, updated_at FROM t',
    "select 'insert into x' as s",
    'select "delete" from t',
    '-- insert\nselect 1',
    '/* update /* nested */ */ select 1',
    'select $$ delete $$',
    'select count(*), max(x) from t where id in (1, 2)',
    'with a as (select 1) select * from a',
    'values (1), (2)',
    'show work_mem',
    'explain select 1',
    'select $1::int',
  ])('read: %s', (sql) => expect(mayWrite(sql)).toBe(false));

  it.each([
    'insert into t values (1)',
    'update t set a = 1',
    'delete from t',
    'create table t (id int)',
    'with d as (delete from t returning *) select * from d',
    'select my_func()',
    "select nextval('s')",
    'select * from t for update',
    'explain analyze delete from t',
    'select 1; delete from t',
    'begin',
    'set search_path = x',
    'select * into new_t from t',
  ])('write: %s', (sql) => expect(mayWrite(sql)).toBe(true));
});
