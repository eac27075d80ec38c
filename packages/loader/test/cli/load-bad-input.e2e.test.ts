/**
 * `haul load` with input that used to be stored wrong or to hang (issue 11), the real CLI in a child
 * process: ragged rows (exit 1, the line named), a bad row after multi-line rows set aside alone
 * (exit 3), --max-rejects, --max-row-bytes and --stall-timeout.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezingProxy } from '../support/freezing-proxy.ts';
import { cliTarget, execSql, finished, rowCount, runCli, spawnCli, uniqueTable } from './run-cli.ts';

const { name, url } = cliTarget();

describe(`haul load, bad input, on ${name}`, () => {
  let dir: string;
  const tables: string[] = [];

  async function table(ddl: string): Promise<string> {
    const t = uniqueTable('bad');
    tables.push(t);
    await execSql(url, `create table ${t} ${ddl}`);
    return t;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-cli-bad-'));
  });
  afterAll(async () => {
    if (tables.length > 0) await execSql(url, `drop table if exists ${tables.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('a first data row shorter than the header fails the load at its line, nothing stored', async () => {
    const t = await table('(a int, b text, c text)');
    const file = join(dir, 'ragged.csv');
    await writeFile(file, 'a,b,c\n1\n2\n3\n4\n');
    const result = await runCli(['load', file, '--table', t, '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2');
    expect(result.stderr).toContain('missing data for column "b"');
    expect(await rowCount(url, t)).toBe(0);
  });

  it('one bad row after thousands of multi-line rows is the only one set aside, with its line', async () => {
    const t = await table('(id int, note text, n int)');
    let csv = 'id,note,n\n';
    let line = 2;
    let badLine = 0;
    for (let i = 1; i <= 5000; i++) {
      const note = i % 5 === 0 ? '"a\nb"' : 'x';
      if (i === 4321) badLine = line;
      csv += `${i},${note},${i === 4321 ? 'oops' : i}\n`;
      line += note === 'x' ? 1 : 2;
    }
    const file = join(dir, 'multi.csv');
    await writeFile(file, csv);
    // raw: the server finds the bad value, and its line count is what is being tested.
    const result = await runCli([
      'load',
      file,
      '--table',
      t,
      '--url',
      url,
      '--on-error',
      'reject',
      '--copy-format',
      'raw',
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/rejected\s+1\b/);
    const rejects = (await readFile(`${file}.rejects.csv`, 'utf8')).split('\n');
    expect(rejects[1]).toMatch(new RegExp(`^${badLine},n,22P02,`));
    expect(await rowCount(url, t)).toBe(4999);
  });

  it('--max-rejects: one reject past the limit fails and rolls back (exit 1)', async () => {
    const t = await table('(id int, n int)');
    const result = await runCli(
      ['load', '-', '--table', t, '--url', url, '--on-error', 'reject', '--max-rejects', '2', '-q'],
      // stdin's rejects file is haul.rejects.csv in the working directory: keep it out of the repo.
      { input: 'id,n\n1,a\n2,b\n3,3\n4,c\n5,5\n', cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('more than 2 rows rejected');
    expect(await rowCount(url, t)).toBe(0);
  });

  it('--max-row-bytes: a row longer than the bound fails naming its line (exit 1)', async () => {
    const t = await table('(id int, v text)');
    const result = await runCli(['load', '-', '--table', t, '--url', url, '--max-row-bytes', '1MiB', '-q'], {
      input: `id,v\n1,a\n2,${'z'.repeat(3 * 1024 * 1024)}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3');
    expect(result.stderr).toContain('maxRowBytes');
    expect(await rowCount(url, t)).toBe(0);
  });

  it('--stall-timeout: a server that stops answering mid-COPY ends the load (exit 1) instead of hanging it', async () => {
    const t = await table('(id int, v text)');
    const proxy = await freezingProxy(url);
    try {
      const child = spawnCli([
        'load',
        '-',
        '--table',
        t,
        '--url',
        proxy.url,
        '--stall-timeout',
        '1',
        '--shards',
        '1',
      ]);
      const result = finished(child);
      child.stdin.on('error', () => {});
      child.stdin.write('id,v\n');
      const row = `${'x'.repeat(60)}\n`;
      let i = 0;
      // Rows until the proxy is frozen, then more than the socket buffers hold, then a quiet stdin.
      const block = () => Array.from({ length: 20_000 }, () => `${i++},${row}`).join('');
      child.stdin.write(block());
      await new Promise((resolve) => setTimeout(resolve, 1000));
      proxy.freeze();
      for (let k = 0; k < 10; k++) child.stdin.write(block());
      const started = Date.now();
      const { code, stderr } = await result;
      expect(code).toBe(1);
      expect(stderr).toContain('stallTimeout');
      expect(Date.now() - started).toBeLessThan(20_000);
      child.stdin.destroy();
    } finally {
      await proxy.close();
    }
    expect(await rowCount(url, t)).toBe(0);
  });
});
