/** The HTTP suite against the Node entry (startNodeServer on port 0), once per database target. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type NodeServer, startNodeServer } from '../../src/entries/node.ts';
import { httpSuite } from './suite.ts';

// One target is enough here: the suite is about HTTP, and the loader's own tests cover server versions.
const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

describe(`node entry (${target.name})`, () => {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startNodeServer({
      port: 0,
      env: { DATABASE_URL: target.url, HAUL_TOKEN: 'test-token.abc', HAUL_MAX_SHARDS: '4' },
    });
  });
  afterAll(() => server?.close());

  httpSuite(
    () => server.url,
    () => server.token,
  );

  it('reports the node runtime on /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true, runtime: 'node' });
  });
});
