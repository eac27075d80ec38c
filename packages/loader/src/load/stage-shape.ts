/**
 * A staged load's shape from its plan: the loaded columns and, for 'skip' or 'update', the target's
 * unique key the `key` option names, checked before any data moves.
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import type { TargetColumn, TargetTable } from '../schema/target.ts';
import { matchUniqueKey, readUniqueKeys } from '../schema/unique-keys.ts';
import { ORDER_BATCH, ORDER_SEQ } from './publish-sql.ts';
import type { Settings } from './settings.ts';
import type { StageRules, StageShape } from './stage-tables.ts';

export async function stageShape(
  conn: Connection,
  table: TargetTable,
  loaded: readonly TargetColumn[],
  settings: Pick<Settings, 'conflict' | 'key' | 'replace'>,
): Promise<StageShape> {
  const columns = loaded.map((column) => column.name);
  const { conflict, replace } = settings;
  if (conflict === 'error')
    return { columns, conflict, key: null, replace, rules: await stageRules(conn, table, loaded) };
  const clash = columns.find((column) => column === ORDER_BATCH || column === ORDER_SEQ);
  if (clash) throw new LoadConfigError(`column "${clash}" is a name a keyed staged load keeps for itself`);
  // One round trip for both catalog reads (the connection pipelines them).
  const [rules, keys] = await Promise.all([stageRules(conn, table, loaded), readUniqueKeys(conn, table)]);
  const key = matchUniqueKey(table, keys, settings.key, columns);
  return { columns, conflict, key, replace, rules };
}

/**
 * The target's NOT NULL and CHECK rules that a staged row can be held to as COPY reads it: on loaded
 * columns only (a CHECK naming a column the file does not fill depends on its default, applied at
 * publish). None when a BEFORE INSERT or UPDATE row trigger may change the row first: the stage
 * would then refuse rows the target accepts. The publish checks everything again either way.
 */
async function stageRules(
  conn: Connection,
  table: TargetTable,
  loaded: readonly TargetColumn[],
): Promise<StageRules> {
  const positions = loaded.map((column) => column.position);
  const { rows } = await conn.query<{ checks: string[]; triggers: boolean }>(
    `select coalesce((select array_agg(format('constraint %I %s', c.conname, pg_get_constraintdef(c.oid))
           order by c.conname)
         from pg_constraint c
        where c.conrelid = $1::regclass and c.contype = 'c' and c.conkey <@ $2::int2[]), '{}') as checks,
       exists (select from pg_trigger t where t.tgrelid = $1::regclass and not t.tgisinternal
         and t.tgtype & 2 = 2 and t.tgtype & 1 = 1 and t.tgtype & (4 | 16) <> 0) as triggers`,
    [table.qualified, positions],
  );
  const found = rows[0];
  if (!found || found.triggers) return { notNull: [], checks: [] };
  return {
    notNull: loaded.filter((column) => column.notNull).map((column) => column.name),
    checks: found.checks,
  };
}
