/**
 * The dev tooling's embedded PostgreSQL: a port someone else holds is found from the port itself
 * (not from the server's log text, which lc_messages translates) and named in the error.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../tools/embedded-postgres.ts';

describe('startEmbeddedPostgres on a port that is taken', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('fails with an error that names the port, and the holder keeps it', async () => {
    const started = startEmbeddedPostgres({ port, startTimeoutMs: 60_000 });
    await expect(started).rejects.toMatchObject({
      name: 'StartupError',
      strangerOnPort: false,
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
    expect(holder.listening).toBe(true);
  }, 90_000);

  it('refuses a port another PostgreSQL holds', async () => {
    const other = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
    const started = startEmbeddedPostgres({ port: Number(other.port || 5432), startTimeoutMs: 60_000 });
    await expect(started).rejects.toMatchObject({ name: 'StartupError' });
  }, 90_000);
});
