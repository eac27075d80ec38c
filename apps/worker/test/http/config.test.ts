/** configFromEnv and the load route's streaming body limit, without a server. */
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { limitBody } from '../../src/routes/load.ts';

describe('configFromEnv', () => {
  const base = { DATABASE_URL: 'postgres://u@db.example:6543/app', HAUL_TOKEN: 'secret-1' };

  it('applies the defaults; allowed hosts default to the database host:port', () => {
    expect(configFromEnv(base)).toEqual({
      databaseUrl: base.DATABASE_URL,
      token: 'secret-1',
      allowedHosts: ['db.example:6543'],
      maxShards: 8,
      maxBodyBytes: 1024 ** 3,
      requestTimeoutMs: 15 * 60 * 1000,
      sqlMaxBodyBytes: 16 * 1024 ** 2,
      sqlMaxRows: 100_000,
      sqlMaxBytes: 16 * 1024 ** 2,
    });
    expect(configFromEnv({ ...base, DATABASE_URL: 'postgres://u@h/app' }).allowedHosts).toEqual(['h:5432']);
  });

  it('reads every variable', () => {
    const config = configFromEnv({
      ...base,
      HAUL_ALLOWED_HOSTS: 'a:1, b:2',
      HAUL_CORS_ORIGIN: 'https://play.example',
      HAUL_MAX_SHARDS: '5',
      HAUL_MAX_BODY_BYTES: '1000',
      HAUL_REQUEST_TIMEOUT_MS: '2000',
      HAUL_SQL_MAX_BODY_BYTES: '3000',
      HAUL_SQL_MAX_ROWS: '10',
      HAUL_SQL_MAX_BYTES: '4000',
    });
    expect(config).toMatchObject({
      sqlMaxBodyBytes: 3000,
      sqlMaxRows: 10,
      sqlMaxBytes: 4000,
      allowedHosts: ['a:1', 'b:2'],
      corsOrigin: 'https://play.example',
      maxShards: 5,
      maxBodyBytes: 1000,
      requestTimeoutMs: 2000,
    });
  });

  it('names a missing or bad variable', () => {
    expect(() => configFromEnv({ HAUL_TOKEN: 'x' })).toThrow(/DATABASE_URL is not set/);
    expect(() => configFromEnv({ DATABASE_URL: base.DATABASE_URL })).toThrow(/HAUL_TOKEN is not set/);
    expect(() => configFromEnv({ ...base, HAUL_TOKEN: 'has space' })).toThrow(/HAUL_TOKEN/);
    expect(() => configFromEnv({ ...base, HAUL_MAX_SHARDS: 'many' })).toThrow(/HAUL_MAX_SHARDS/);
    expect(() => configFromEnv({ ...base, DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => configFromEnv({ ...base, HAUL_SQL_MAX_ROWS: '0' })).toThrow(/HAUL_SQL_MAX_ROWS/);
    expect(() => configFromEnv({ ...base, HAUL_SQL_MAX_ROWS: String(2 ** 31) })).toThrow(/at most/);
  });
});

describe('limitBody', () => {
  const bytes = (n: number) => new Blob([new Uint8Array(n)]).stream();

  it('passes a body within the limit through', async () => {
    expect((await new Response(limitBody(bytes(10), 10, 100, 10)).arrayBuffer()).byteLength).toBe(10);
  });

  it('refuses a declared length over the limit at once, and fails a stream that crosses it', async () => {
    expect(() => limitBody(bytes(10), 1000, 100)).toThrow(/larger than the 100-byte limit/);
    await expect(new Response(limitBody(bytes(200), undefined, 100)).arrayBuffer()).rejects.toThrow(
      /100-byte/,
    );
  });

  it('fails a body that ends before its Content-Length (a cut-off upload)', async () => {
    await expect(new Response(limitBody(bytes(10), 50, 100, 50)).arrayBuffer()).rejects.toThrow(
      /ended after 10 of the 50 bytes/,
    );
  });
});
