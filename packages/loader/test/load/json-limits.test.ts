/**
 * maxRowBytes holds for JSON sources too: an NDJSON line that never ends, a JSON array element that
 * never closes, and a complete line over the bound each fail the load naming the line (54000), having
 * read about the bound and no more; nothing is committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { endless } from '../support/endless-source.ts';
import { badRowOf } from '../support/load-failure.ts';

const MiB = 1024 * 1024;

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  const failure = badRowOf;

  it.each([
    ['an NDJSON line that never ends', 'ndjson', '{"id":1,"v":"a"}\n{"id":2,"v":"', 'x', 2],
    ['a JSON array element that never closes', 'json', '[{"id":1,"v":"a"},\n {"id":2,"v":"', 'y', 2],
  ] as const)(
    '%s fails at maxRowBytes, naming its line, with memory bounded',
    async (_what, format, head, fill, line) => {
      const name = uniqueName('json_limits');
      await admin.unsafe(`create table ${name} (id int, v text)`);
      const { source, counter } = endless(head, fill);
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 20);
      const cause = await failure(
        load({ ...via(url), table: name, source, format, maxRowBytes: 16 * MiB, shards: 1 }),
      );
      clearInterval(sampler);
      expect(cause).toMatchObject({ line, sqlstate: '54000' });
      expect(cause.message).toContain('maxRowBytes');
      expect(counter.bytes).toBeLessThan(2 * 16 * MiB + 2 * MiB);
      expect(rssPeak - rssBefore).toBeLessThan(300 * MiB);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    },
  );

  it('a complete row over maxRowBytes fails too, NDJSON and JSON alike; under the default it loads', async () => {
    const name = uniqueName('json_limits');
    await admin.unsafe(`create table ${name} (id int, v text)`);
    const big = 'z'.repeat(3 * MiB);
    const rows = ['{"id":1,"v":"a"}', `{"id":2,"v":"${big}"}`, '{"id":3,"v":"c"}'];
    for (const [format, source] of [
      ['ndjson', `${rows.join('\n')}\n`],
      ['json', `[${rows.join(',\n')}]`],
    ] as const) {
      const cause = await failure(load({ ...via(url), table: name, source, format, maxRowBytes: MiB }));
      expect(cause).toMatchObject({ line: 2, sqlstate: '54000' });
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
      expect((await load({ ...via(url), table: name, source, format })).rows).toBe(3);
      await admin.unsafe(`truncate ${name}`);
    }
  });
});
