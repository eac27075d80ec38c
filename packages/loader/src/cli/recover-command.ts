/**
 * `haul recover`: lists two-phase loads left prepared on the server (a coordinator died between
 * PREPARE and COMMIT), or commits / rolls back / auto-resolves them.
 */
import { connect } from '@haul/protocol/node';
import type { ConnectionOptions, PreparedLoad, RecoverResult } from '../api.ts';
import { listPreparedLoads, recoverLoad } from '../index.ts';
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

function resultLine(result: RecoverResult): string {
  return `${result.loadId}: ${result.committed} shard(s) committed, ${result.rolledBack} rolled back\n`;
}

async function resolveLoads(invocation: RecoverInvocation, connection: ConnectionOptions) {
  const { action } = invocation;
  if (action.kind === 'commit' || action.kind === 'rollback') {
    return [await recoverLoad(connection, action.loadId, action.kind)];
  }
  if (action.kind === 'auto' && action.loadId !== undefined) {
    return [await recoverLoad(connection, action.loadId, 'auto')];
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
      await print(
        process.stdout,
        invocation.json ? `${JSON.stringify(loads, null, 2)}\n` : preparedTable(loads),
      );
      return ExitCode.ok;
    }
    const results = await resolveLoads(invocation, connection);
    if (invocation.json) await print(process.stdout, `${JSON.stringify(results, null, 2)}\n`);
    else if (results.length === 0) await print(process.stdout, 'no prepared loads: nothing to recover\n');
    else for (const result of results) await print(process.stdout, resultLine(result));
    return ExitCode.ok;
  } catch (error) {
    await print(process.stderr, failureText(error, 'recover'));
    return exitCodeFor(error);
  }
}
