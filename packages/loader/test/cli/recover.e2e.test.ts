/**
 * `haul recover` end to end for tables a --create-table load left provisional (its process died):
 * listed with the load that created them, and settled by --auto: the empty one dropped, the one that
 * got rows elsewhere kept with its marker cleared.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { markerFor } from '../../src/load/create-table.ts';
import { cliTarget, execSql, runCli, sql, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

describe(`haul recover on ${name}`, () => {
  const empty = uniqueTable('orphan_empty');
  const filled = uniqueTable('orphan_rows');
  const loadId = `${uniqueTable('died')}`;
  afterAll(async () => {
    await execSql(url, `drop table if exists ${empty}, ${filled}`);
  });

  it('lists provisional tables and --auto ID settles them', async () => {
    await execSql(
      url,
      `create table ${empty} (id int); comment on table ${empty} is '${markerFor(loadId)}';
       create table ${filled} (id int); comment on table ${filled} is '${markerFor(loadId)}';
       insert into ${filled} values (1)`,
    );
    const listed = await runCli(['recover', '--url', url, '--json']);
    expect(listed.code).toBe(0);
    const { tables } = JSON.parse(listed.stdout) as { tables: { table: string; createdBy: string }[] };
    expect(tables).toContainEqual({ table: `"public"."${empty}"`, createdBy: loadId });
    const text = await runCli(['recover', '--url', url]);
    expect(text.stdout).toContain(`"public"."${filled}"`);

    const settled = await runCli(['recover', '--url', url, '--auto', loadId]);
    expect(settled.stderr).toBe('');
    expect(settled.code).toBe(0);
    expect(settled.stdout).toContain(`"public"."${empty}": dropped (created by load ${loadId}`);
    expect(settled.stdout).toContain(`"public"."${filled}": kept, it has committed rows`);
    expect(
      await sql(
        url,
        `select to_regclass('${empty}') as e, obj_description('${filled}'::regclass, 'pg_class') as c`,
      ),
    ).toEqual([{ e: null, c: null }]);
  });
});
