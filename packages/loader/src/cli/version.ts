/**
 * The package's version, from the nearest package.json above this module: the sources here, the
 * published dist/cli and the repository's one-file bundle of the CLI sit at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === '@haul/loader' && typeof manifest.version === 'string') return manifest.version;
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
