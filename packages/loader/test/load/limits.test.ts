/**
 * Bounds that hold whatever the input (issue 11, items 5 and 11): a row longer than `maxRowBytes`
 * (a stream with no line ending, an unterminated quote) fails naming its line after reading about the
 * bound and no more; `maxInputBytes` counts decompressed bytes; a server that goes silent mid-COPY
 * fails the load after `stallTimeout` instead of hanging it. Nothing is committed in each case.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { BadRowError, InputLimitError, StallError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, slowCsv, uniqueName, via } from '../support/database.ts';
import { endless } from '../support/endless-source.ts';
import { freezingProxy } from '../support/freezing-proxy.ts';
import { rolledBackCause } from '../support/load-failure.ts';

const MiB = 1024 * 1024;

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(): Promise<string> {
    const name = uniqueName('limits');
    await admin.unsafe(`create table ${name} (id int, v text)`);
    return name;
  }

  it.each([
    ['no line ending', 'id,v\n1,a\n2,b\n', 'x', 4],
    ['an unterminated quote', 'id,v\n1,a\n2,"', 'y\n', 3],
  ])(
    'a row with %s fails at maxRowBytes, naming its line, having read about the bound',
    async (_what, head, fill, line) => {
      const name = await table();
      const { source, counter } = endless(head, fill);
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 20);
      const cause = await rolledBackCause(
        load({ ...via(url), table: name, source, format: 'csv', maxRowBytes: 16 * MiB, shards: 1 }),
      );
      clearInterval(sampler);
      expect(cause).toBeInstanceOf(BadRowError);
      expect(cause).toMatchObject({ line, sqlstate: '54000' });
      expect((cause as Error).message).toContain('maxRowBytes');
      // The parser asks for twice what it holds: at most about 2 × the bound is ever read.
      expect(counter.bytes).toBeLessThan(40 * MiB);
      expect(rssPeak - rssBefore).toBeLessThan(300 * MiB);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    },
  );

  it('a row over maxRowBytes fails the same way when the whole source is in memory', async () => {
    const name = await table();
    const source = `id,v\n1,a\n2,${'z'.repeat(3 * MiB)}\n3,c\n`;
    const cause = await rolledBackCause(
      load({ ...via(url), table: name, source, format: 'csv', maxRowBytes: MiB }),
    );
    expect(cause).toMatchObject({ line: 3, sqlstate: '54000' });
    // Under the default (64 MiB) it loads.
    const report = await load({ ...via(url), table: name, source, format: 'csv' });
    expect(report.rows).toBe(3);
  });

  it('maxInputBytes counts the bytes after decompression', async () => {
    const name = await table();
    let csv = 'id,v\n';
    for (let i = 0; i < 50_000; i++) csv += `${i},${'v'.repeat(40)}\n`;
    const gz = gzipSync(csv);
    // The upload is well under the limit; what it inflates to is not.
    expect(gz.length).toBeLessThan(500_000);
    expect(csv.length).toBeGreaterThan(2_000_000);
    const cause = await rolledBackCause(
      load({
        ...via(url),
        table: name,
        source: gz,
        format: 'csv',
        maxInputBytes: 500_000,
        chunkBytes: 64 * 1024,
      }),
    );
    expect(cause).toBeInstanceOf(InputLimitError);
    expect(cause).toMatchObject({ limit: 500_000 });
    expect((cause as InputLimitError).bytesRead).toBeLessThan(500_000 + 4 * MiB);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    const report = await load({
      ...via(url),
      table: name,
      source: gz,
      format: 'csv',
      maxInputBytes: csv.length,
    });
    expect(report.rows).toBe(50_000);
  });

  it('a server that goes silent mid-COPY fails the load after stallTimeout, and nothing is committed', async () => {
    const name = await table();
    const proxy = await freezingProxy(url);
    try {
      let frozen = false;
      const started = Date.now();
      let frozenAt = 0;
      const loading = load({
        ...via(proxy.url),
        table: name,
        source: slowCsv('id,v', 2_000_000, (i) => `${i},${'w'.repeat(50)}`, { piece: 20_000 }),
        format: 'csv',
        shards: 2,
        stallTimeout: 1000,
        progressInterval: 20,
        onProgress: (p) => {
          if (!frozen && p.rows > 0) {
            frozen = true;
            frozenAt = Date.now();
            proxy.freeze();
          }
        },
      });
      const cause = await rolledBackCause(loading);
      expect(cause).toBeInstanceOf(StallError);
      expect(cause).toMatchObject({ timeoutMs: 1000 });
      expect(frozenAt).toBeGreaterThan(0);
      // The stall is noticed after about a second; the rollbacks on frozen sockets then time out.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
