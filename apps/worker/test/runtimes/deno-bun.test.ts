/**
 * The HTTP suite against the Deno and Bun entries, each spawned in its runtime (the npm `deno` and
 * `bun` binaries, devDependencies of @haul/protocol) on a free port, as packages/protocol's runtime
 * tests run code in them. Every process is started in its own process group and killed as a group.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { httpSuite } from '../http/suite.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BIN = join(ROOT, 'packages', 'protocol', 'node_modules', '.bin');
const ENTRIES = fileURLToPath(new URL('../../src/entries/', import.meta.url));
const TOKEN = 'test-token.runtimes';
const START_TIMEOUT_MS = 60_000;

// One target is enough: the suite is about HTTP; the loader's tests cover server versions.
const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

const denoDir = mkdtempSync(join(tmpdir(), 'haul-worker-deno-'));
afterAll(() => rmSync(denoDir, { recursive: true, force: true }));

const commands = {
  deno: [join(BIN, 'deno'), ['run', '--allow-net', '--allow-env', '--allow-read', join(ENTRIES, 'deno.ts')]],
  bun: [join(BIN, 'bun'), [join(ENTRIES, 'bun.ts')]],
} as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Spawns the entry and resolves with its URL once it prints the listening line. */
async function start(runtime: keyof typeof commands): Promise<Started> {
  const [command, args] = commands[runtime];
  if (!existsSync(command)) {
    throw new Error(
      `${command} is missing: run pnpm install (deno and bun are devDependencies of @haul/protocol)`,
    );
  }
  const port = await freePort();
  const child = spawn(command, [...args], {
    cwd: ROOT,
    // Its own process group, so afterAll can kill it with everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: target.url,
      HAUL_TOKEN: TOKEN,
      HAUL_MAX_SHARDS: '4',
      PORT: String(port),
      DENO_NO_UPDATE_CHECK: '1',
      DENO_DIR: denoDir,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  let output = '';
  const started = { child, url: '', output: () => output };
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`${runtime} did not print its listening line in ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /haul worker listening on (http:\/\/\S+)/.exec(output);
      if (match && !started.url) {
        clearTimeout(timer);
        started.url = match[1]!;
        resolve(started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!started.url)
        reject(new Error(`${runtime} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Kills the group and waits for the process to be reaped. */
async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  kill(child);
  await exited;
}

describe.each(['deno', 'bun'] as const)(`%s entry (${target.name})`, (runtime) => {
  let server: Started | undefined;
  beforeAll(async () => {
    server = await start(runtime);
  }, START_TIMEOUT_MS + 10_000);
  afterAll(() => stop(server));

  // Default options: both runtimes see a chunked upload that breaks off, so nothing is skipped there.
  httpSuite(() => server!.url, TOKEN);

  it(`reports the ${runtime} runtime on /healthz`, async () => {
    const res = await fetch(`${server!.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true, runtime });
  });

  it('has no WebSocket proxy: GET /v1/ws is 404', async () => {
    const res = await fetch(`${server!.url}/v1/ws`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
  });
});
