/**
 * Runtime smoke check: connects with one runtime's adapter and runs a few real queries.
 *
 *   deno run --allow-net --allow-env --allow-read smoke.ts deno postgres://…
 *   bun smoke.ts bun postgres://…
 *   tsx smoke.ts node postgres://…
 *
 * The URL may also come from DATABASE_URL. HAUL_SMOKE_CA (PEM text) is passed as `ca`, for
 * sslmode=verify-full against a test CA; HAUL_SMOKE_EXPECT_TLS=1 checks the session is encrypted.
 * Prints one JSON line; exits 0 only if every check passed.
 */
import type { ConnectOptions } from '../../src/connection/connect.ts';
import type { Connection } from '../../src/connection/connection.ts';

type Connect = (config: string | ConnectOptions) => Promise<Connection>;

const adapters: Record<string, () => Promise<{ connect: Connect }>> = {
  deno: () => import('../../src/adapters/deno.ts'),
  bun: () => import('../../src/adapters/bun.ts'),
  node: () => import('../../src/adapters/node.ts'),
};

interface Host {
  args: string[];
  env(name: string): string | undefined;
  exit(code: number): never;
  version: string;
}

/** The few process facilities this script needs, from whichever runtime runs it. */
function host(): Host {
  const g = globalThis as unknown as {
    Deno?: {
      args: string[];
      env: { get(name: string): string | undefined };
      exit(code: number): never;
      version: { deno: string };
    };
    Bun?: { version: string };
    process?: {
      argv: string[];
      env: Record<string, string | undefined>;
      exit(code: number): never;
      version: string;
    };
  };
  if (g.Deno) {
    const deno = g.Deno;
    return {
      args: deno.args,
      env: (n) => deno.env.get(n),
      exit: deno.exit,
      version: `deno ${deno.version.deno}`,
    };
  }
  const proc = g.process!;
  const version = g.Bun ? `bun ${g.Bun.version}` : `node ${proc.version}`;
  return { args: proc.argv.slice(2), env: (n) => proc.env[n], exit: (code) => proc.exit(code), version };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function run(db: Connection, expectTls: boolean): Promise<Record<string, unknown>> {
  const ssl = await db.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
  const tls = ssl.rows[0]?.ssl === true;
  if (expectTls) check(tls, 'session encrypted (pg_stat_ssl)');

  const one = await db.query<{ one: number }>('select 1 as one');
  check(one.rows[0]?.one === 1 && one.command === 'SELECT' && one.rowCount === 1, 'select 1');

  // 100 queries issued at once: they go out pipelined and must come back in order.
  const many = await Promise.all(
    Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])),
  );
  for (const [i, result] of many.entries()) check(result.rows[0]?.n === i, `pipelined query ${i}`);

  // 4 MiB out in one parameter (write backpressure), ~20 MB back (many reads).
  const big = 'x'.repeat(4 * 1024 * 1024);
  const echoed = await db.query<{ len: number }>('select length($1::text) as len', [big]);
  check(echoed.rows[0]?.len === big.length, 'large parameter');
  const rows = await db.query<{ s: string }>("select repeat('y', 1000) as s from generate_series(1, 20000)");
  check(rows.rows.length === 20_000 && rows.rows.every((r) => r.s.length === 1000), 'large result');

  return {
    tls,
    select1: true,
    pipelined: many.length,
    largeParameter: big.length,
    largeResultRows: rows.rows.length,
  };
}

async function main(): Promise<void> {
  const { args, env, exit, version } = host();
  const [runtime = '', url = env('DATABASE_URL') ?? 'postgres://postgres@127.0.0.1:5432/test'] = args;
  const started = Date.now();
  try {
    const load = adapters[runtime];
    if (!load) throw new Error(`unknown runtime '${runtime}' (use ${Object.keys(adapters).join(', ')})`);
    const { connect } = await load();
    const ca = env('HAUL_SMOKE_CA');
    const db = await connect(ca ? { url, ca } : url);
    let checks: Record<string, unknown>;
    try {
      checks = await run(db, env('HAUL_SMOKE_EXPECT_TLS') === '1');
    } finally {
      await db.close();
    }
    console.log(JSON.stringify({ ok: true, runtime, version, checks, ms: Date.now() - started }));
    exit(0);
  } catch (error) {
    const e = error as Error;
    console.log(
      JSON.stringify({ ok: false, runtime, version, error: `${e.name}: ${e.message}`, stack: e.stack }),
    );
    exit(1);
  }
}

await main();
