/**
 * The playground in a real headless Chromium against `pnpm start`'s stack (the Node worker serving
 * the built page, the real Postgres): first open, a dropped CSV loaded over 3 shards and counted in
 * Postgres, a bad row named by its line, the SQL console over the WebSocket proxy (every batch
 * outcome named), and offline mode (PGlite in the page) with no worker at all. Screenshots go to .tmp/artifacts/e2e/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePlaygroundBuilt, PLAYGROUND_DIST } from '../../apps/playground/scripts/ensure-built.ts';
import { TEST_IDS } from '../../apps/playground/src/ui/test-ids.ts';
import { type NodeServer, startNodeServer } from '../../apps/worker/src/entries/node.ts';
import { databaseTargets } from '../../tools/test-targets.ts';
import { dropFile, launchChromium, openPage, type WatchedPage } from './support/browser.ts';
import { type StaticServer, serveStatic } from './support/static-server.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;
const TOKEN = 'e2e-token.playground';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const LOADED = `e2e_loaded_${suffix}`;
const STRICT = `e2e_strict_${suffix}`;
const KEYED = `e2e_keyed_${suffix}`;
const ROWS = 150_000;

const id = (name: keyof typeof TEST_IDS) => `[data-testid="${TEST_IDS[name]}"]`;

function generatedCsv(rows: number): string {
  const lines = ['id,name,email,amount,created_at,active'];
  for (let i = 1; i <= rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(
      `${i},"Name ${i}, Jr",user${i}@example.com,${(i * 1.25).toFixed(2)},2024-03-${day}T10:00:00Z,${i % 3 === 0}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function connectToWorker(watched: WatchedPage): Promise<void> {
  const status = watched.page.locator(id('connectionStatus'));
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
}

/** Four good rows and, on line 5, an amount that is not a number. */
const BAD_CSV = 'id,name,amount\n1,a,1.5\n2,b,2.5\n3,c,3.5\n4,d,not-a-number\n5,e,5.5\n';

/** Drops BAD_CSV and loads it into `table` with onError 'abort': the error names line 5 and the column. */
async function loadsBadRow(page: Page, table: string): Promise<void> {
  await dropFile(page, id('dropZone'), { name: 'bad.csv', type: 'text/csv', text: BAD_CSV });
  await expect
    .poll(() => page.locator(`${id('preview')} tr`).count(), { timeout: 30_000 })
    .toBeGreaterThan(2);
  await page.fill(id('tableName'), table);
  await page.selectOption(id('onError'), 'abort');
  await page.click(id('load'));
  const error = page.locator(id('loadError'));
  await error.waitFor({ state: 'visible', timeout: 60_000 });
  await expect(error.textContent()).resolves.toMatch(/line 5/);
  await expect(error.textContent()).resolves.toMatch(/amount/);
}

async function runSql(page: Page, sql: string): Promise<void> {
  await page.fill(id('sqlInput'), sql);
  await page.click(id('runSql'));
}

describe('playground in Chromium', () => {
  let browser: Browser;
  let server: NodeServer;
  let admin: postgres.Sql;

  beforeAll(async () => {
    await ensurePlaygroundBuilt();
    admin = postgres(target.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop table if exists ${LOADED}`);
    await admin.unsafe(`create table ${STRICT} (id int primary key, name text not null, amount numeric)`);
    await admin.unsafe(`create table ${KEYED} (id int primary key, name text not null, amount numeric)`);
    await admin.unsafe(`insert into ${KEYED} values (1, 'old one', 1), (2, 'old two', 2)`);
    server = await startNodeServer({
      port: 0,
      assetsDir: PLAYGROUND_DIST,
      env: { DATABASE_URL: target.url, HAUL_TOKEN: TOKEN, HAUL_MAX_SHARDS: '8' },
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await admin?.unsafe(`drop table if exists ${LOADED}`).catch(() => {});
    await admin?.unsafe(`drop table if exists ${STRICT}`).catch(() => {});
    await admin?.unsafe(`drop table if exists ${KEYED}`).catch(() => {});
    await admin?.end();
  });

  it('first open: connects with the token from the link, and the console stays clean', async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`);
    await connectToWorker(watched);
    // The token left the address bar once stored.
    expect(watched.page.url()).not.toContain(TOKEN);
    for (const name of ['dropZone', 'load', 'sqlInput', 'exportButton'] as const) {
      await expect(watched.page.locator(id(name)).count()).resolves.toBeGreaterThan(0);
    }
    await watched.screenshot('01-first-open');
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 60_000);

  it('a wrong token says so', async () => {
    const watched = await openPage(browser, `${server.url}/#token=not-the-token`, {
      ignore: [/401/, /Unauthorized/i, /ERR_ABORTED/],
    });
    const status = watched.page.locator(id('connectionStatus'));
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('error');
    await expect(status.textContent()).resolves.toMatch(/token/i);
    await watched.screenshot('02-wrong-token');
    await watched.page.context().close();
  }, 60_000);

  it('loads a dropped CSV over 3 shards, reports it, and Postgres has every row', async () => {
    // Chromium sometimes marks a load's POST as ERR_ABORTED in the network log although the response
    // was read to its end and the load committed (the worker answers while the upload is still going;
    // seen about 1 load in 3, with or without keep-alive). No console message comes of it.
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`, {
      ignore: [/\/load\?.*net::ERR_ABORTED$/],
    });
    const { page } = watched;
    await connectToWorker(watched);
    await dropFile(page, id('dropZone'), { name: 'people.csv', type: 'text/csv', text: generatedCsv(ROWS) });
    await expect
      .poll(() => page.locator(`${id('preview')} tr`).count(), { timeout: 20_000 })
      .toBeGreaterThan(5);
    await page.fill(id('tableName'), LOADED);
    await page.locator(id('createTable')).check();
    await page.fill(id('shards'), '3');
    await page.selectOption(id('loadMode'), 'atomic');
    await page.click(id('load'));
    const report = page.locator(id('loadReport'));
    await report.waitFor({ state: 'visible', timeout: 90_000 });
    await expect(report.getAttribute('data-committed')).resolves.toBe('true');
    await expect(report.getAttribute('data-rows')).resolves.toBe(String(ROWS));
    // A bar per shard the load used: up to the 3 asked for (a shard opens only while every open one
    // has work queued, so a slow upload may need fewer), and their rows add up to the total.
    const bars = page.locator(id('shardProgress'));
    const used = await bars.count();
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(3);
    const texts = await bars.locator('.shard-text').allTextContents();
    const perShard = texts.map((t) => Number(/([\d,\s]+) rows/.exec(t)?.[1]?.replace(/\D/g, '') ?? NaN));
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(ROWS);
    await watched.screenshot('03-load-report');
    const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${LOADED}`);
    expect(n).toBe(ROWS);
    const [row] = await admin.unsafe<[{ name: string; amount: string; active: boolean }]>(
      `select name, amount::text, active from ${LOADED} where id = 3`,
    );
    expect(row).toEqual({ name: 'Name 3, Jr', amount: '3.75', active: true });
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 180_000);

  it('a bad row shows its line number, and nothing is committed', async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`);
    const { page } = watched;
    await connectToWorker(watched);
    await page.fill(id('shards'), '1');
    await loadsBadRow(page, STRICT);
    await watched.screenshot('04-bad-row');
    const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${STRICT}`);
    expect(n).toBe(0);
    await watched.page.context().close();
  }, 90_000);

  it('updates rows whose key the table has, the key picked from its primary key', async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`, {
      ignore: [/\/load\?.*net::ERR_ABORTED$/],
    });
    const { page } = watched;
    await connectToWorker(watched);
    const csv = 'id,name,amount\n1,new one,10\n3,new three,30\n1,newer one,11\n';
    await dropFile(page, id('dropZone'), { name: 'keyed.csv', type: 'text/csv', text: csv });
    await expect
      .poll(() => page.locator(`${id('preview')} tr`).count(), { timeout: 30_000 })
      .toBeGreaterThan(2);
    await page.fill(id('tableName'), KEYED);
    // The table's keys come with its description: the choice opens once it is known.
    await expect.poll(() => page.locator(id('conflict')).isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.selectOption(id('conflict'), 'update');
    await expect(page.locator(id('conflictKey')).inputValue()).resolves.toBe('id');
    await page.click(id('load'));
    const report = page.locator(id('loadReport'));
    await report.waitFor({ state: 'visible', timeout: 60_000 });
    await expect(report.textContent()).resolves.toMatch(/staged/);
    await expect(report.textContent()).resolves.toMatch(
      /1 inserted, 1 updated, 1 replaced by a later row of the same key/,
    );
    await watched.screenshot('04b-upsert');
    const rows = await admin.unsafe(`select id, name, amount::text from ${KEYED} order by id`);
    expect([...rows]).toEqual([
      { id: 1, name: 'newer one', amount: '11' },
      { id: 2, name: 'old two', amount: '2' },
      { id: 3, name: 'new three', amount: '30' },
    ]);
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 90_000);

  it('the SQL console runs pipelined statements in the browser, with per-statement errors', async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`);
    const { page } = watched;
    await connectToWorker(watched);
    await page.selectOption(id('syncMode'), 'independent');
    await runSql(page, `select count(*) as n from ${LOADED};\nselect 1/0 as boom;\nselect 'after' as word;`);
    const results = page.locator(id('sqlResult'));
    await expect.poll(() => results.count(), { timeout: 30_000 }).toBe(3);
    await expect(results.nth(0).getAttribute('data-ok')).resolves.toBe('true');
    await expect(results.nth(0).textContent()).resolves.toContain(String(ROWS));
    await expect(results.nth(1).getAttribute('data-ok')).resolves.toBe('false');
    await expect(results.nth(1).locator(id('sqlError')).textContent()).resolves.toContain('22012');
    await expect(results.nth(2).textContent()).resolves.toContain('after');
    await watched.screenshot('05-sql-console');
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 90_000);

  it("the SQL console names every atomic batch outcome, a failed open transaction's included", async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`);
    const { page } = watched;
    await connectToWorker(watched);
    const results = page.locator(id('sqlResult'));
    const outcomes = () =>
      results.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset['outcome'] ?? 'ok'));
    await page.selectOption(id('syncMode'), 'atomic');
    await runSql(page, 'select 1 as one;\nselect 1/0 as boom;\nselect 2 as two;');
    await expect.poll(outcomes, { timeout: 30_000 }).toEqual(['rolled-back', 'failed', 'skipped']);
    // Inside a transaction the console opened itself, the batch cannot roll back what ran: it ran,
    // and the transaction is now failed.
    await page.selectOption(id('syncMode'), 'independent');
    await runSql(page, 'begin;');
    await expect.poll(outcomes, { timeout: 30_000 }).toEqual(['ok']);
    await page.selectOption(id('syncMode'), 'atomic');
    await runSql(page, 'select 1 as one;\nselect 1/0 as boom;\nselect 2 as two;');
    await expect.poll(outcomes, { timeout: 30_000 }).toEqual(['aborted-transaction', 'failed', 'skipped']);
    const aborted = results.nth(0).locator(id('sqlOutcome'));
    await expect(aborted.getAttribute('data-outcome')).resolves.toBe('aborted-transaction');
    await expect(aborted.textContent()).resolves.toMatch(/ROLLBACK/);
    await watched.screenshot('06-sql-aborted-transaction');
    await runSql(page, 'rollback;');
    await expect.poll(outcomes, { timeout: 30_000 }).toEqual(['ok']);
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 90_000);

  it('is usable at a 360 px width', async () => {
    const watched = await openPage(browser, `${server.url}/#token=${TOKEN}`, { width: 360, height: 800 });
    await connectToWorker(watched);
    const overflow = await watched.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await watched.screenshot('06-narrow');
    expect(watched.problems).toEqual([]);
    await watched.page.context().close();
  }, 60_000);

  describe('offline, with no worker running', () => {
    let statics: StaticServer;
    beforeAll(async () => {
      statics = await serveStatic(PLAYGROUND_DIST);
    });
    afterAll(() => statics?.close());

    /** The page from a plain file server, switched to offline mode. */
    async function openOffline(): Promise<WatchedPage> {
      // Nothing answers /v1 here: the page's first attempt to reach a worker fails, and says so.
      const watched = await openPage(browser, `${statics.url}/`, {
        ignore: [/404/, /Not Found/i, /ERR_CONNECTION_REFUSED/, /ERR_ABORTED/],
      });
      await watched.page.click(id('offline'));
      const status = watched.page.locator(id('connectionStatus'));
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
      return watched;
    }

    it('loads a generated sample into PGlite in the page and queries it', async () => {
      const watched = await openOffline();
      const { page } = watched;
      await page.fill(id('sampleRows'), '5000');
      await page.click(id('generateSample'));
      // As a user would: name the table once the sample shows (naming it names the table after the file).
      await expect
        .poll(() => page.locator(`${id('preview')} tr`).count(), { timeout: 30_000 })
        .toBeGreaterThan(5);
      await page.fill(id('tableName'), 'sample');
      await page.locator(id('createTable')).check();
      await page.click(id('load'));
      const report = page.locator(id('loadReport'));
      await report.waitFor({ state: 'visible', timeout: 90_000 });
      await expect(report.getAttribute('data-rows')).resolves.toBe('5000');
      await expect(report.textContent()).resolves.toContain('"sample"');
      await runSql(page, 'select count(*) as n from sample;\nselect sum(id) as s from sample');
      const results = page.locator(id('sqlResult'));
      await expect.poll(() => results.count(), { timeout: 30_000 }).toBe(2);
      await expect(results.nth(0).textContent()).resolves.toContain('5000');
      await expect(results.nth(1).textContent()).resolves.toContain(String((5000 * 5001) / 2));
      await expect
        .poll(async () => (await page.textContent('body')) ?? '', { timeout: 15_000 })
        .not.toContain('Looking up sample');
      await watched.screenshot('07-offline');
      expect(watched.problems).toEqual([]);
      await watched.page.context().close();
    }, 180_000);

    it("offline bad rows: 'abort' names the line and keeps nothing, 'reject' sets them aside; export gives the rows back", async () => {
      const watched = await openOffline();
      const { page } = watched;
      const results = page.locator(id('sqlResult'));
      // One statement at a time: its result replaces the last one, so wait for the one run.
      const sql = async (text: string) => {
        await runSql(page, text);
        await expect.poll(() => results.nth(0).textContent(), { timeout: 30_000 }).toContain(text);
        return (await results.nth(0).textContent()) ?? '';
      };
      await sql('create table strict (id int primary key, name text not null, amount numeric)');
      await loadsBadRow(page, 'strict');
      await watched.screenshot('08-offline-bad-row');
      await sql('select count(*)::int as n from strict');
      await expect(results.nth(0).locator('td').first().textContent()).resolves.toBe('0');

      await page.selectOption(id('onError'), 'reject');
      await page.click(id('load'));
      const report = page.locator(id('loadReport'));
      await report.waitFor({ state: 'visible', timeout: 60_000 });
      await expect(report.getAttribute('data-rows')).resolves.toBe('4');
      const rejects = page.locator(id('rejectsDownload'));
      await rejects.waitFor({ state: 'visible', timeout: 10_000 });
      const [rejected] = await Promise.all([page.waitForEvent('download'), rejects.click()]);
      const rejectedText = readFileSync(await rejected.path(), 'utf8');
      expect(rejectedText).toContain('4,d,not-a-number');
      await watched.screenshot('09-offline-rejects');

      await page.fill(id('exportTable'), 'strict');
      await page.selectOption(id('exportFormat'), 'csv');
      const [exported] = await Promise.all([page.waitForEvent('download'), page.click(id('exportButton'))]);
      const lines = readFileSync(await exported.path(), 'utf8')
        .trim()
        .split('\n');
      expect(lines[0]).toBe('id,name,amount');
      expect(lines.slice(1).sort()).toEqual(['1,a,1.5', '2,b,2.5', '3,c,3.5', '5,e,5.5']);
      expect(watched.problems).toEqual([]);
      await watched.page.context().close();
    }, 180_000);
  });
});
