/**
 * `haul recover`: lists two-phase loads left prepared on the server (a coordinator died between
 * PREPARE and COMMIT), or commits / rolls back / auto-resolves them; and tables a createTable load
 * left provisional (created, never committed into), which resolving settles: dropped when empty and
 * unused, else kept. With --json: `{ "loads": […], "tables": […] }`.
 */
import { connect } from '@haul/protocol/node';
import type {
  ConnectionOptions,
  PreparedLoad,
  ProvisionalTableListing,
  ProvisionalTableOutcome,
  RecoverResult,
  StagedLoadListing,
} from '../api.ts';
import {
  dropStagedLoad,
  listPreparedLoads,
  listProvisionalTables,
  listStagedLoads,
  recoverLoad,
  settleProvisionalTables,
} from '../index.ts';
import { databaseUrl } from './database-url.ts';
import { ExitCode } from './exit-codes.ts';
import { exitCodeFor, failureText } from './failure.ts';
import { print } from './output.ts';
import type { RecoverInvocation } from './recover-args.ts';
import { textTable } from './text-table.ts';

function preparedTable(loads: readonly PreparedLoad[]): string {
  if (loads.length === 0) return 'no prepared loads: nothing to recover\n';
  const rows = loads.map((entry) => [
    entry.loadId,
    entry.database,
    entry.table,
    `${entry.prepared.length} of ${entry.shards}`,
    entry.preparedAt.toISOString(),
    entry.decision,
  ]);
  const table = textTable(
    [
      { title: 'load id' },
      { title: 'database' },
      { title: 'table' },
      { title: 'prepared shards', align: 'right' },
      { title: 'prepared at' },
      { title: 'decision (--auto does)' },
    ],
    rows,
  );
  return `${table}\n\nresolve with: haul recover --commit ID | --rollback ID | --auto [ID]\n`;
}

function provisionalList(tables: readonly ProvisionalTableListing[]): string {
  if (tables.length === 0) return '';
  const table = textTable(
    [{ title: 'provisional table (created, never committed into)' }, { title: 'created by load' }],
    tables.map((entry) => [entry.table, entry.createdBy]),
  );
  return `\n${table}\n\nsettle with: haul recover --auto [ID] (drops each one that is empty and unused)\n`;
}

function stagedList(loads: readonly StagedLoadListing[]): string {
  if (loads.length === 0) return '';
  const table = textTable(
    [
      { title: 'staged load (not published)' },
      { title: 'table' },
      { title: 'publish' },
      { title: 'batches', align: 'right' },
      { title: 'rows', align: 'right' },
      { title: 'created at' },
      { title: 'state' },
    ],
    loads.map((entry) => [
      entry.loadId,
      entry.table,
      entry.publish,
      String(entry.batches),
      String(entry.rows),
      entry.createdAt.toISOString(),
      entry.running ? 'running' : 'stopped',
    ]),
  );
  return `\n${table}\n\nresume by loading the same file with --load-id ID, or drop with: haul recover --drop ID\n`;
}

function tableLine(outcome: ProvisionalTableOutcome): string {
  return outcome.dropped
    ? `${outcome.table}: dropped (created by load ${outcome.createdBy}, never committed into)\n`
    : `${outcome.table}: kept, ${outcome.keptBecause}\n`;
}

function resultLine(result: RecoverResult): string {
  return `${result.loadId}: ${result.committed} shard(s) committed, ${result.rolledBack} rolled back\n`;
}

async function resolveLoads(invocation: RecoverInvocation, connection: ConnectionOptions) {
  const { action } = invocation;
  if (action.kind === 'commit' || action.kind === 'rollback') {
    return [await recoverLoad(connection, action.loadId, action.kind)];
  }
  if (action.kind === 'auto' && action.loadId !== undefined) {
    const id = action.loadId;
    // A load without two-phase commit leaves no prepared transactions, maybe only its table.
    const prepared = (await listPreparedLoads(connection)).some((entry) => entry.loadId === id);
    const tables = await listProvisionalTables(connection);
    if (!prepared && tables.some((entry) => entry.createdBy === id)) return [];
    return [await recoverLoad(connection, id, 'auto')];
  }
  const results: RecoverResult[] = [];
  // One at a time: each resolution takes its own locks, and a failure should stop the rest.
  for (const entry of await listPreparedLoads(connection)) {
    results.push(await recoverLoad(connection, entry.loadId, 'auto'));
  }
  return results;
}

export async function runRecover(invocation: RecoverInvocation): Promise<ExitCode> {
  try {
    const connection: ConnectionOptions = {
      url: databaseUrl(invocation.url, process.env, 'recover'),
      connect,
    };
    if (invocation.action.kind === 'list') {
      const loads = await listPreparedLoads(connection);
      const tables = await listProvisionalTables(connection);
      const staged = await listStagedLoads(connection);
      await print(
        process.stdout,
        invocation.json
          ? `${JSON.stringify({ loads, tables, staged }, null, 2)}\n`
          : preparedTable(loads) + provisionalList(tables) + stagedList(staged),
      );
      return ExitCode.ok;
    }
    if (invocation.action.kind === 'drop') {
      const dropped = await dropStagedLoad(connection, invocation.action.loadId);
      await print(
        process.stdout,
        invocation.json
          ? `${JSON.stringify({ staged: [dropped] }, null, 2)}\n`
          : `${dropped.loadId}: dropped ${dropped.batches} staged batches (${dropped.rows} rows); nothing was published\n`,
      );
      return ExitCode.ok;
    }
    const results = await resolveLoads(invocation, connection);
    // After the prepared loads: their transactions held the tables until now.
    const tables = await settleProvisionalTables(connection, invocation.action.loadId);
    if (invocation.json) {
      await print(process.stdout, `${JSON.stringify({ loads: results, tables }, null, 2)}\n`);
    } else if (results.length === 0 && tables.length === 0) {
      await print(process.stdout, 'no prepared loads: nothing to recover\n');
    } else {
      for (const result of results) await print(process.stdout, resultLine(result));
      for (const outcome of tables) await print(process.stdout, tableLine(outcome));
    }
    return ExitCode.ok;
  } catch (error) {
    await print(process.stderr, failureText(error, 'recover'));
    return exitCodeFor(error);
  }
}
