/**
 * The core must run unchanged on every runtime: only socket adapters may import a runtime.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function coreFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'adapters' ? [] : coreFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const RUNTIME_IMPORT =
  /from\s+['"](node:|cloudflare:|bun['"]|net['"]|tls['"]|fs['"]|crypto['"]|buffer['"]|stream['"])|require\(|import\(\s*['"]node:/;
const NODE_GLOBALS = /(?<![\w.])(Buffer|process|__dirname|__filename|setImmediate|global)\s*[.(]/;

describe('protocol core purity', () => {
  const files = coreFiles(SRC);
  it('finds the core files', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [relative(SRC, f), f]))('%s uses only Web-standard APIs', (_name, file) => {
    const code = readFileSync(file as string, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(RUNTIME_IMPORT);
    expect(code).not.toMatch(NODE_GLOBALS);
  });
});
