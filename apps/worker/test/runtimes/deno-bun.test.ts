/**
 * The HTTP suite against the Deno and Bun entries, each spawned in its runtime (spawn-entry.ts). Their
 * WebSocket proxy has its own file, ws-proxy.runtimes.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { httpSuite } from '../http/suite.ts';
import { START_TIMEOUT_MS, type StartedEntry, startEntry, stopEntry } from './spawn-entry.ts';

const TOKEN = 'test-token.runtimes';

// One target is enough: the suite is about HTTP; the loader's tests cover server versions.
const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

describe.each(['deno', 'bun'] as const)(`%s entry (${target.name})`, (runtime) => {
  let server: StartedEntry | undefined;
  beforeAll(async () => {
    server = await startEntry(runtime, { DATABASE_URL: target.url, HAUL_TOKEN: TOKEN, HAUL_MAX_SHARDS: '4' });
  }, START_TIMEOUT_MS + 10_000);
  afterAll(() => stopEntry(server));

  // Default options: both runtimes see a chunked upload that breaks off, so nothing is skipped there.
  httpSuite(() => server!.url, TOKEN);

  it(`reports the ${runtime} runtime on /healthz`, async () => {
    const res = await fetch(`${server!.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true, runtime });
  });

  it('answers a plain GET /v1/ws (no upgrade) with 426', async () => {
    const address = new URL(target.url);
    const query = `token=${TOKEN}&address=${address.hostname}:${address.port || 5432}`;
    const res = await fetch(`${server!.url}/v1/ws?${query}`);
    expect(res.status).toBe(426);
    expect(await res.json()).toEqual({ error: { message: 'expected a WebSocket upgrade' } });
  });
});
