/**
 * TLS against real servers: every sslmode against an embedded PostgreSQL 18 with `ssl = on`, whose
 * pg_hba.conf lets `postgres` in only over TLS (`hostssl`) and `plain_user` only without it
 * (`hostnossl`), and `pg_stat_ssl` says which transport each session really used. Certificates come
 * from tools/tls-certs.ts: a test CA, leaves it signs, and an unrelated CA for the wrong-CA case.
 * Then sslmode against the machine's own server on 127.0.0.1:5432 when it runs with `ssl = off`.
 */
import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../tools/embedded-postgres.ts';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { type CertificateAuthority, createCertificateAuthority } from '../../../tools/tls-certs.ts';
import { connect } from '../src/adapters/node.ts';
import type { ConnectOptions } from '../src/connection/config.ts';
import { AbortError, ConnectionError, PostgresError, TimeoutError } from '../src/errors.ts';

const HBA = [
  '# Written by packages/protocol/test/tls.test.ts: the transport decides who may log in.',
  'local all all trust',
  'hostssl all postgres 127.0.0.1/32 trust',
  'hostnossl all plain_user 127.0.0.1/32 trust',
  '',
].join('\n');

/** Well under the default connect timeout: a failed handshake must fail fast, not time out. */
const FAILS_WITHIN_MS = 3_000;

let ca: CertificateAuthority;
let unrelatedCa: CertificateAuthority;
/** Certificate for DNS:localhost and IP:127.0.0.1, signed by `ca`. */
let server: EmbeddedPostgres;
/** Certificate for DNS:localhost only, signed by `ca`: connecting by IP must fail verify-full. */
let dnsOnlyServer: EmbeddedPostgres;

beforeAll(async () => {
  [ca, unrelatedCa] = await Promise.all([
    createCertificateAuthority('Haul test CA'),
    createCertificateAuthority('Unrelated test CA'),
  ]);
  const [full, dnsOnly] = await Promise.all([
    ca.issueServerCertificate({ dns: ['localhost'], ip: ['127.0.0.1'] }, 'localhost-and-ip'),
    ca.issueServerCertificate({ dns: ['localhost'] }, 'localhost-only'),
  ]);
  [server, dnsOnlyServer] = await Promise.all([
    startEmbeddedPostgres({ hba: HBA, ssl: full, setup: createPlainUser }),
    startEmbeddedPostgres({ hba: HBA, ssl: dnsOnly }),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), dnsOnlyServer?.stop()]);
  await Promise.all([ca?.remove(), unrelatedCa?.remove()]);
});

async function createPlainUser(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, ssl: 'require', onnotice: () => {} });
  try {
    await sql`create role plain_user login`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

interface Transport {
  ssl: boolean;
  version: string | null;
  user: string;
}

/** Superuser on database `postgres` unless a URL says otherwise. */
function withDefaults(options: ConnectOptions): ConnectOptions {
  return options.url ? options : { database: 'postgres', user: 'postgres', ...options };
}

/** Connects, asks the server which transport this session uses, and always closes. */
async function transportOf(options: ConnectOptions): Promise<Transport> {
  const db = await connect(withDefaults(options));
  try {
    const result = await db.query<Transport>(
      'select ssl, version, current_user as "user" from pg_stat_ssl where pid = pg_backend_pid()',
    );
    return result.rows[0]!;
  } finally {
    await db.close();
  }
}

/** The error `connect` rejects with, and how long it took. */
async function connectError(options: ConnectOptions): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await connect(withDefaults(options)).then(
    async (db) => {
      await db.close();
      return expect.unreachable('the connection must be refused');
    },
    (caught: unknown) => caught,
  );
  return { error, ms: Date.now() - started };
}

/** `cause.code` of a Node TLS error, e.g. ERR_TLS_CERT_ALTNAME_INVALID. */
function causeCode(error: unknown): unknown {
  return ((error as Error).cause as { code?: unknown } | undefined)?.code;
}

describe('sslmode against PostgreSQL 18 with ssl = on', () => {
  const at = () => ({ host: '127.0.0.1', port: server.port });

  it('require encrypts without verifying the certificate', async () => {
    const transport = await transportOf({ ...at(), sslmode: 'require' });
    expect(transport).toMatchObject({ ssl: true, user: 'postgres' });
    expect(transport.version).toMatch(/^TLSv1\.[23]$/);
  });

  it('verify-full accepts the server by DNS name when given its CA', async () => {
    const transport = await transportOf({
      host: 'localhost',
      port: server.port,
      sslmode: 'verify-full',
      ca: ca.cert,
    });
    expect(transport.ssl).toBe(true);
  });

  it('verify-full accepts the server by IP address when the certificate names that IP', async () => {
    expect(await transportOf({ ...at(), sslmode: 'verify-full', ca: ca.cert })).toMatchObject({ ssl: true });
  });

  it('verify-full also works from a URL, with the CA given beside it', async () => {
    const url = `postgres://postgres@localhost:${server.port}/postgres?sslmode=verify-full`;
    expect(await transportOf({ url, ca: [unrelatedCa.cert, ca.cert] })).toMatchObject({ ssl: true });
  });

  it('verify-full with the wrong CA fails fast with a ConnectionError naming the cause', async () => {
    const { error, ms } = await connectError({
      host: 'localhost',
      port: server.port,
      sslmode: 'verify-full',
      ca: unrelatedCa.cert,
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^TLS handshake with \S+ failed \(sslmode=[\w-]+\): unable to verify the first certificate/,
    );
    expect(causeCode(error)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('verify-full without a CA fails: a private CA is not in the default trust store', async () => {
    const { error, ms } = await connectError({
      host: 'localhost',
      port: server.port,
      sslmode: 'verify-full',
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(causeCode(error)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('verify-full rejects a host name the certificate does not list, with the right CA', async () => {
    // Same CA, same server: only the name differs, so the name is what failed.
    const options = { port: dnsOnlyServer.port, sslmode: 'verify-full', ca: ca.cert } as const;
    expect(await transportOf({ ...options, host: 'localhost' })).toMatchObject({ ssl: true });
    const { error, ms } = await connectError({ ...options, host: '127.0.0.1' });
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^TLS handshake with \S+ failed \(sslmode=[\w-]+\): .*IP: 127\.0\.0\.1 is not in the cert's list/,
    );
    expect(causeCode(error)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('require does not check the name either (encryption only, as in libpq)', async () => {
    expect(
      await transportOf({ host: '127.0.0.1', port: dnsOnlyServer.port, sslmode: 'require' }),
    ).toMatchObject({
      ssl: true,
    });
  });

  it('prefer, and the default, use TLS when the server offers it', async () => {
    expect(await transportOf({ ...at(), sslmode: 'prefer' })).toMatchObject({ ssl: true });
    expect(await transportOf(at())).toMatchObject({ ssl: true });
  });

  it('disable stays plaintext: the hostnossl rule lets plain_user in', async () => {
    expect(await transportOf({ ...at(), user: 'plain_user', sslmode: 'disable' })).toMatchObject({
      ssl: false,
      version: null,
      user: 'plain_user',
    });
  });

  it('disable as postgres, who may only use TLS, is refused by pg_hba.conf', async () => {
    const { error } = await connectError({ ...at(), sslmode: 'disable' });
    expect(error).toBeInstanceOf(PostgresError);
    expect(error).toMatchObject({ code: '28000', severity: 'FATAL' });
    expect((error as Error).message).toMatch(/no encryption/);
  });

  // libpq (and pgx) retry prefer without TLS when the server refuses the TLS session at startup,
  // so a hostnossl-only role can log in with the default sslmode. Haul does not retry yet: this
  // passes while that stays so, and starts failing (flip it to `it`) once the fallback exists.
  it('prefer falls back to plaintext when pg_hba.conf refuses the TLS session', async () => {
    expect(await transportOf({ ...at(), user: 'plain_user', sslmode: 'prefer' })).toMatchObject({
      ssl: false,
    });
  });

  it('pipelines 1,000 concurrent queries over TLS, each with its own answer', async () => {
    const db = await connect(withDefaults({ ...at(), sslmode: 'require' }));
    try {
      const count = 1_000;
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])),
      );
      expect(results.map((result) => result.rows[0]?.n)).toEqual(Array.from({ length: count }, (_, i) => i));
      const [ssl] = (
        await db.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()')
      ).rows;
      expect(ssl?.ssl).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('moves megabytes both ways over TLS (many records, write backpressure)', async () => {
    const db = await connect(withDefaults({ ...at(), sslmode: 'require' }));
    try {
      const big = 'x'.repeat(4 * 1024 * 1024);
      const echoed = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          db.query<{ length: number; tail: string }>(
            'select length($1::text) as length, right($1, 1) as tail',
            [big + i],
          ),
        ),
      );
      expect(echoed.map((result) => result.rows[0])).toEqual(
        Array.from({ length: 4 }, (_, i) => ({ length: big.length + 1, tail: String(i) })),
      );
      const { rows } = await db.query<{ s: string }>("select repeat('y', 8 * 1024 * 1024) as s");
      expect(rows[0]?.s.length).toBe(8 * 1024 * 1024);
    } finally {
      await db.close();
    }
  });

  it('an aborted query over TLS is cancelled on the server and the connection goes on', async () => {
    const db = await connect(withDefaults({ ...at(), sslmode: 'require' }));
    try {
      const controller = new AbortController();
      const started = Date.now();
      const running = db.query('select pg_sleep(30)', [], { signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await expect(running).rejects.toBeInstanceOf(AbortError);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await db.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe('sslmode against the service on 127.0.0.1:5432 with ssl = off', () => {
  const service = databaseTargets().find((target) => target.name.endsWith('-service'));
  /** Why these tests cannot run here, or undefined when they can. */
  let skipReason: string | undefined = service ? undefined : 'no server answers on 127.0.0.1:5432';
  const url = () => service!.url;

  beforeAll(async () => {
    if (!service) return;
    const sql = postgres(service.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ ssl: string }[]>`select current_setting('ssl') as ssl`;
      if (row?.ssl !== 'off')
        skipReason = `the server on 5432 runs with ssl = ${row?.ssl}, these tests need off`;
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('require fails at once: the server does not accept TLS', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const { error, ms } = await connectError({ url: url(), sslmode: 'require' });
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe('server at 127.0.0.1:5432 does not accept TLS (sslmode=require)');
    expect(ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('verify-full fails the same way', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const { error } = await connectError({ url: url(), sslmode: 'verify-full', ca: ca.cert });
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/does not accept TLS \(sslmode=verify-full\)$/);
  });

  it('prefer falls back to plaintext and works', async (context) => {
    if (skipReason) return context.skip(skipReason);
    expect(await transportOf({ url: url(), sslmode: 'prefer' })).toMatchObject({ ssl: false, version: null });
  });
});

describe('a peer that says yes to SSLRequest, then misbehaves', () => {
  /** Answers each SSLRequest with `S`, then does what `after` says with the raw socket. */
  async function fakeServer(after: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
    const sockets = new Set<net.Socket>();
    const listener = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.write('S');
        after(socket);
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    return {
      port,
      close() {
        for (const socket of sockets) socket.destroy();
        listener.close();
      },
    };
  }

  it('a handshake that never comes ends in a TimeoutError at the connect timeout', async () => {
    const peer = await fakeServer(() => {});
    try {
      const { error, ms } = await connectError({
        host: '127.0.0.1',
        port: peer.port,
        sslmode: 'require',
        connectTimeout: 300,
      });
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ phase: 'connect' });
      expect(ms).toBeLessThan(FAILS_WITHIN_MS);
    } finally {
      peer.close();
    }
  });

  it('plaintext where the TLS handshake should be is a ConnectionError', async () => {
    const peer = await fakeServer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 400 Nope\r\n\r\n')),
    );
    try {
      const { error, ms } = await connectError({ host: '127.0.0.1', port: peer.port, sslmode: 'require' });
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/^TLS handshake with \S+ failed \(sslmode=[\w-]+\): /);
      expect(ms).toBeLessThan(FAILS_WITHIN_MS);
    } finally {
      peer.close();
    }
  });

  it('a close right after `S` is a ConnectionError', async () => {
    const peer = await fakeServer((socket) => socket.end());
    try {
      const { error, ms } = await connectError({ host: '127.0.0.1', port: peer.port, sslmode: 'prefer' });
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/^TLS handshake with \S+ failed \(sslmode=[\w-]+\): /);
      expect(ms).toBeLessThan(FAILS_WITHIN_MS);
    } finally {
      peer.close();
    }
  });
});
