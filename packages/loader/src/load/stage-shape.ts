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
import type { StageShape } from './stage-tables.ts';

export async function stageShape(
  conn: Connection,
  table: TargetTable,
  loaded: readonly TargetColumn[],
  settings: Pick<Settings, 'conflict' | 'key' | 'replace'>,
): Promise<StageShape> {
  const columns = loaded.map((column) => column.name);
  const { conflict, replace } = settings;
  if (conflict === 'error') return { columns, conflict, key: null, replace };
  const clash = columns.find((column) => column === ORDER_BATCH || column === ORDER_SEQ);
  if (clash) throw new LoadConfigError(`column "${clash}" is a name a keyed staged load keeps for itself`);
  const key = matchUniqueKey(table, await readUniqueKeys(conn, table), settings.key, columns);
  return { columns, conflict, key, replace };
}
