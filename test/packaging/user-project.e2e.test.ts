/**
 * A user's project outside this repository, installing only the packed tarballs with npm: the same
 * scenario (query, pipelined batch, sharded load) under plain `node app.mjs`, `deno run` (npm
 * packages from the project's node_modules), `bun run`, and as a Cloudflare Worker that the project's
 * own wrangler.json has wrangler bundle, under `wrangler dev`, and in Chromium as a page Vite
 * builds, through the worker's /v1/ws; `tsc --noEmit` against the published
 * types under `moduleResolution` bundler and node16; and `haul` from `npm i -g` into a temp prefix. The
 * tarballs themselves pass publint (strict) and @arethetypeswrong/cli (esm-only: these packages are
 * ESM only, so a CommonJS `require` and node10's resolution are out of scope, not problems).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWranglerDev } from '../../apps/worker/test/workerd/wrangler-dev.ts';
import { databaseTargets } from '../../tools/test-targets.ts';
import { launchChromium, openPage } from '../e2e/support/browser.ts';
import { serveStatic } from '../e2e/support/static-server.ts';
import { type Packed, packPackages, sh, userProject } from './support/packed.ts';

const FIXTURE = new URL('./fixtures/user-app/', import.meta.url);
const SETUP_TIMEOUT = 300_000;
const target = databaseTargets()[0]!;
const table = `packed_${process.pid}`;
const RUNTIMES = ['node', 'deno', 'bun', 'workerd', 'chromium'] as const;
const PACKAGES = ['@haul/protocol', '@haul/loader', '@haul/worker'];
let packed: Packed;
let project: string;
const sql = postgres(target.url, { max: 1, onnotice: () => {} });

beforeAll(async () => {
  packed = await packPackages(PACKAGES);
  const files = Object.fromEntries(
    readdirSync(FIXTURE).map((file) => [file, readFileSync(new URL(file, FIXTURE), 'utf8')]),
  );
  project = await userProject(packed, 'user-app', files, [
    'typescript@5.9.3',
    '@types/node@20',
    'vite@8.3.8',
  ]);
}, SETUP_TIMEOUT);

afterAll(async () => {
  const tables = [...RUNTIMES.map((runtime) => `${table}_${runtime}`), `${table}_cli`];
  await sql.unsafe(`drop table if exists ${tables.join(', ')}`);
  await sql.end();
  await packed?.remove();
});

const BIN = join(import.meta.dirname, '../../node_modules/.bin');
/** deno and bun come from npm, as devDependencies of @haul/protocol. */
const RUNTIME_BIN = join(import.meta.dirname, '../../packages/protocol/node_modules/.bin');

/** How each runtime runs the user's app: a plain script, as a user would start it. */
function runApp(runtime: (typeof RUNTIMES)[number], name: string): Promise<string> {
  const cwd = project;
  switch (runtime) {
    case 'node':
      return sh(process.execPath, ['app.mjs'], { cwd, env: { DATABASE_URL: target.url, TABLE: name } });
    case 'deno':
      return sh(join(RUNTIME_BIN, 'deno'), ['run', '-A', 'app-deno.ts', target.url, name], {
        cwd,
        env: { DENO_DIR: join(packed.dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      });
    case 'bun':
      return sh(join(RUNTIME_BIN, 'bun'), ['run', 'app-bun.ts', target.url, name], { cwd });
    case 'workerd':
      return runUserWorker(name);
    case 'chromium':
      return runUserPage(name);
  }
}

/** The project's serve-worker.mjs: @haul/worker/node as installed, in its own process. */
async function startUserServer(token: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['serve-worker.mjs'], {
    cwd: project,
    env: { ...process.env, DATABASE_URL: target.url, HAUL_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  if (!line.startsWith('http://')) {
    await close();
    throw new Error(`serve-worker.mjs printed ${JSON.stringify(line)}`);
  }
  return { url: line, close };
}

/**
 * The project's page, built by Vite from the installed tarballs, in Chromium: it reaches PostgreSQL
 * through /v1/ws of the project's own server (@haul/worker/node, with a token), as a browser app would.
 */
async function runUserPage(name: string): Promise<string> {
  await sh(join(project, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: project });
  const token = 'user-page-token';
  const worker = await startUserServer(token);
  const site = await serveStatic(join(project, 'web-dist'));
  const browser = await launchChromium();
  try {
    const db = new URL(target.url);
    db.searchParams.set('sslmode', 'disable');
    const query = new URLSearchParams({
      proxy: worker.url.replace(/^http/, 'ws'),
      token,
      db: db.toString(),
      table: name,
    });
    const { page, problems } = await openPage(browser, `${site.url}/index.html?${query}`);
    const out = page.locator('#out');
    await expect.poll(() => out.getAttribute('data-state'), { timeout: 60_000 }).not.toBe('running');
    const text = (await out.textContent()) ?? '';
    if ((await out.getAttribute('data-state')) !== 'done') throw new Error(`the page failed: ${text}`);
    expect(problems).toEqual([]);
    return text;
  } finally {
    await browser.close();
    await site.close();
    await worker.close();
  }
}

/** The project's own wrangler.json under `wrangler dev`: wrangler bundles worker.ts from node_modules. */
async function runUserWorker(name: string): Promise<string> {
  const worker = await runWranglerDev({
    config: join(project, 'wrangler.json'),
    cwd: project,
    vars: { DATABASE_URL: target.url },
  });
  try {
    const response = await fetch(`${worker.url}/run?table=${name}`, { signal: AbortSignal.timeout(60_000) });
    const text = await response.text();
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${text}\n${worker.output()}`);
    return text;
  } finally {
    await worker.stop();
  }
}

describe('the tarballs as published', () => {
  it.each(PACKAGES)('%s: publint --strict reports nothing', async (name) => {
    const out = await sh(join(BIN, 'publint'), ['run', '--strict', packed.tarballs[name]!], {
      cwd: packed.dir,
    });
    expect(out).toContain('All good!');
  });

  it.each(PACKAGES)('%s: attw finds no wrong types for ESM users', async (name) => {
    // attw exits 1 on any problem its profile counts (sh then throws with the report); its JSON is
    // not read, since it exits before a pipe has taken more than 128 KiB of it.
    const out = await sh(
      join(BIN, 'attw'),
      ['--profile', 'esm-only', '-f', 'ascii', packed.tarballs[name]!],
      {
        cwd: packed.dir,
      },
    );
    expect(out).toContain(name);
  });
});

describe('a user project installing the tarballs', () => {
  it('ships built JavaScript and declarations only: every export resolves into dist/', () => {
    for (const name of PACKAGES.map((name) => name.replace('@haul/', ''))) {
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules/@haul', name, 'package.json'), 'utf8'),
      ) as { exports: Record<string, { types: string; default: string }>; dependencies?: object };
      for (const entry of Object.values(manifest.exports)) {
        expect(entry.types).toMatch(/^\.\/dist\/.+\.d\.ts$/);
        expect(entry.default).toMatch(/^\.\/dist\/.+\.js$/);
      }
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain('tsx');
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain('esbuild');
    }
  });

  it.each(RUNTIMES)(
    'runs a query, a pipelined batch and a sharded load under %s',
    async (runtime) => {
      const name = `${table}_${runtime}`;
      const result = JSON.parse(await runApp(runtime, name)) as {
        query: unknown;
        batch: string[];
        load: { rows: number; committed: boolean; commit: string; shards: number };
      };
      expect(result.query).toEqual([{ n: 42 }]);
      expect(result.batch).toEqual(['rejected', 'rejected', 'rejected']);
      expect(result.load).toEqual({ rows: 20_000, committed: true, commit: 'staged', shards: 3 });
      const [stored] = await sql.unsafe(
        `select count(*)::int as n, sum(id)::bigint as ids, count(*) filter (where name <> 'name ' || id)::int as wrong from ${name}`,
      );
      expect(stored).toEqual({ n: 20_000, ids: String((19_999 * 20_000) / 2), wrong: 0 });
    },
    120_000,
  );

  it("serves the whole API from @haul/worker/cloudflare under the project's wrangler", async () => {
    const token = 'user-api-token';
    const worker = await runWranglerDev({
      config: join(project, 'wrangler-api.json'),
      cwd: project,
      vars: { DATABASE_URL: target.url, HAUL_TOKEN: token },
    });
    try {
      const health = await fetch(`${worker.url}/healthz`);
      expect(await health.json()).toEqual({ ok: true, runtime: 'workerd' });
      expect((await fetch(`${worker.url}/v1/tables`)).status).toBe(401);
      const tables = await fetch(`${worker.url}/v1/tables`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(tables.status).toBe(200);
      const { tables: listed } = (await tables.json()) as { tables: { name: string }[] };
      expect(listed.map((table) => table.name)).toContain(`${table}_node`);
    } finally {
      await worker.stop();
    }
  }, 120_000);

  it.each(['bundler', 'node16'])('type-checks with moduleResolution %s', async (resolution) => {
    await sh(join(project, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${resolution}.json`], { cwd: project });
  });

  it('installs `haul` globally: --version, and a CSV load', async () => {
    const prefix = join(packed.dir, 'global');
    await sh(
      'npm',
      ['install', '-g', '--no-audit', '--no-fund', '--prefix', prefix, ...Object.values(packed.tarballs)],
      {
        cwd: packed.dir,
      },
    );
    const haul = join(prefix, 'bin/haul');
    expect((await sh(haul, ['--version'], { cwd: packed.dir })).trim()).toBe('haul 0.1.0');
    await sql.unsafe(`create table ${table}_cli (id int, note text)`);
    const csv = join(packed.dir, 'rows.csv');
    writeFileSync(csv, 'id,note\n1,"a, quoted"\n2,\n3,"two\nlines"\n');
    await sh(haul, ['load', csv, '--table', `${table}_cli`, '--url', target.url], { cwd: packed.dir });
    const rows = await sql.unsafe(`select id, note from ${table}_cli order by id`);
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { id: 1, note: 'a, quoted' },
      { id: 2, note: null },
      { id: 3, note: 'two\nlines' },
    ]);
  });
});
