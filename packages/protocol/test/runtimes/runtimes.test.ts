/**
 * Deno and Bun, for real: the smoke script against each test database, and the socket conformance
 * suite run by vitest inside each runtime (their adapters' test files skip under Node).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../../tools/embedded-postgres.ts';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type CertificateAuthority, createCertificateAuthority } from '../../../../tools/tls-certs.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));
const SMOKE = fileURLToPath(new URL('./smoke.ts', import.meta.url));
const CONFIG = fileURLToPath(new URL('./vitest.config.ts', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const denoDir = mkdtempSync(join(tmpdir(), 'haul-deno-'));
afterAll(() => rmSync(denoDir, { recursive: true, force: true }));

// No update checks or colour codes; Deno's cache in a throw-away directory.
const ENV = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir, NO_COLOR: '1', FORCE_COLOR: '0' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<Run> {
  if (!existsSync(command)) {
    throw new Error(
      `${command} is missing: run pnpm install (deno and bun are devDependencies of @haul/protocol)`,
    );
  }
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...ENV, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const runtimes = {
  deno: (args: string[], env?: Record<string, string>) =>
    run(join(BIN, 'deno'), ['run', ...args], 120_000, env),
  bun: (args: string[], env?: Record<string, string>) => run(join(BIN, 'bun'), args, 120_000, env),
};

/** Runs the smoke script and returns its JSON report (with the process output, for failure messages). */
async function smoke(runtime: keyof typeof runtimes, url: string, env?: Record<string, string>) {
  const result = await runtimes[runtime]([...smokeArgs[runtime], url], env);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  let report: { ok?: boolean; runtime?: string; error?: string; checks?: { tls?: boolean } } = {};
  try {
    report = JSON.parse(line);
  } catch {
    // Not JSON: the runtime failed before the script could report; the output says why.
  }
  return { report, code: result.code, output: `${result.stderr}\n${result.stdout}` };
}

// A TLS-only server (pg_hba `hostssl`) with a certificate from a throw-away CA, for verify-full.
let ca: CertificateAuthority | undefined;
let tlsServer: EmbeddedPostgres | undefined;
beforeAll(async () => {
  ca = await createCertificateAuthority('Haul runtimes test CA');
  const ssl = await ca.issueServerCertificate({ dns: ['localhost'], ip: ['127.0.0.1'] }, 'runtimes');
  const hba = 'local all all trust\nhostssl all postgres 127.0.0.1/32 trust\n';
  tlsServer = await startEmbeddedPostgres({ hba, ssl });
});
afterAll(async () => {
  await tlsServer?.stop();
  await ca?.remove();
});
const smokeArgs = {
  deno: ['--allow-net', '--allow-env', '--allow-read', SMOKE, 'deno'],
  bun: [SMOKE, 'bun'],
};
// vitest needs to spawn workers and write its cache: all permissions.
const suiteArgs = {
  deno: ['-A', VITEST, 'run', '--config', CONFIG, 'adapters/deno.test.ts'],
  bun: ['--bun', VITEST, 'run', '--config', CONFIG, 'adapters/bun.test.ts'],
};

describe.each(['deno', 'bun'] as const)('%s', (runtime) => {
  describe.each(databaseTargets())('smoke against $name', ({ url }) => {
    it('connects, runs select 1 and 100 pipelined queries, closes', { timeout: 120_000 }, async () => {
      const { report, code, output } = await smoke(runtime, url);
      expect(report, output).toMatchObject({ ok: true, runtime });
      expect(code).toBe(0);
    });
  });

  it('smoke over TLS with sslmode=verify-full and a private CA', { timeout: 120_000 }, async () => {
    const url = new URL(tlsServer!.url);
    url.hostname = 'localhost';
    url.searchParams.set('sslmode', 'verify-full');
    const env = { HAUL_SMOKE_CA: ca!.cert, HAUL_SMOKE_EXPECT_TLS: '1' };
    const { report, code, output } = await smoke(runtime, url.toString(), env);
    expect(report, output).toMatchObject({ ok: true, runtime, checks: { tls: true } });
    expect(code).toBe(0);
  });

  it('passes the socket conformance suite', { timeout: 120_000 }, async () => {
    const result = await runtimes[runtime](suiteArgs[runtime]);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    // The suite must really have run inside the runtime, not skipped as under Node.
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/needs the \w+ runtime/);
  });
});
