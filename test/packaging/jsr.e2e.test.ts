/**
 * JSR: each package's jsr.json names the same version and the same public modules as its
 * package.json, and `deno publish --dry-run` accepts both packages as a workspace with no slow-type
 * error or warning. The packages are staged the way JSR would see them (jsr.json, src, the README,
 * LICENSE and CHANGELOG; no package.json, so Deno resolves `@haul/protocol` by jsr.json's imports and
 * the workspace, never through pnpm's node_modules).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/packed.ts';

const DENO = join(ROOT, 'packages/protocol/node_modules/.bin/deno');
const PACKAGES = ['protocol', 'loader'] as const;
const STAGED = ['jsr.json', 'src', 'README.md', 'LICENSE', 'CHANGELOG.md'];

interface JsrManifest {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports?: Record<string, string>;
  publish: { exclude: string[] };
}

interface NpmManifest {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
}

function manifest<T>(pkg: string, file: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'packages', pkg, file), 'utf8')) as T;
}

const stage = mkdtempSync(join(tmpdir(), 'haul-jsr-'));
afterAll(() => rmSync(stage, { recursive: true, force: true }));

describe('JSR', () => {
  it.each(PACKAGES)('%s: jsr.json agrees with package.json', (pkg) => {
    const jsr = manifest<JsrManifest>(pkg, 'jsr.json');
    const npm = manifest<NpmManifest>(pkg, 'package.json');
    expect({ name: jsr.name, version: jsr.version, license: jsr.license }).toEqual({
      name: npm.name,
      version: npm.version,
      license: npm.license,
    });
    // In the repository, package.json's exports are the sources JSR publishes.
    expect(jsr.exports).toEqual(npm.exports);
    // Every other @haul package imported is mapped to its JSR name at this version's range.
    for (const dependency of Object.keys(npm.dependencies ?? {}).filter((name) =>
      name.startsWith('@haul/'),
    )) {
      expect(jsr.imports?.[dependency]).toBe(`jsr:${dependency}@^${npm.version}`);
    }
  });

  it('deno publish --dry-run accepts both packages without slow types', async () => {
    for (const pkg of PACKAGES) {
      for (const entry of STAGED) {
        cpSync(join(ROOT, 'packages', pkg, entry), join(stage, pkg, entry), { recursive: true });
      }
    }
    writeFileSync(join(stage, 'deno.json'), JSON.stringify({ workspace: PACKAGES.map((pkg) => `./${pkg}`) }));
    const env = { ...process.env, DENO_DIR: join(stage, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
    // Deno reports on stderr, and exits 1 on a slow type; a failure's message carries the report.
    const { stderr } = await promisify(execFile)(DENO, ['publish', '--dry-run', '--allow-dirty'], {
      cwd: stage,
      env,
    });
    expect(stderr).toContain('Dry run complete');
    expect(stderr).not.toMatch(/warning/i);
  }, 120_000);
});
