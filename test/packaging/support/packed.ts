/**
 * The publishable packages as a user gets them: `pnpm pack` (which builds dist/ in prepack and
 * rewrites `workspace:` dependencies and `publishConfig`) into a folder outside the repository, and
 * fresh projects there that install only those tarballs plus their declared registry dependencies.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
const PNPM = ['-y', 'pnpm@10.34.8'];

export interface Packed {
  /** Folder outside the repository holding the tarballs and the projects. */
  dir: string;
  /** Tarball path by package name. */
  tarballs: Record<string, string>;
  remove(): Promise<void>;
}

/** Packs each package (its prepack builds dist/) into a fresh temp folder. */
export async function packPackages(names: readonly string[]): Promise<Packed> {
  const dir = await mkdtemp(join(tmpdir(), 'haul-packed-'));
  const tarballs: Record<string, string> = {};
  for (const name of names) {
    const short = name.replace('@haul/', '');
    // Libraries live in packages/, the apps that publish a library (the worker) in apps/.
    const folder = [join(ROOT, 'packages', short), join(ROOT, 'apps', short)].find((dir) => existsSync(dir));
    if (!folder) throw new Error(`no folder for ${name} under packages/ or apps/`);
    await run('npx', [...PNPM, 'pack', '--pack-destination', dir], { cwd: folder });
    const prefix = `${name.slice(1).replace('/', '-')}-`;
    const file = (await readdir(dir)).find((entry) => entry.startsWith(prefix) && entry.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack of ${name} wrote no tarball to ${dir}`);
    tarballs[name] = join(dir, file);
  }
  return { dir, tarballs, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs a command, returning stdout; a failure's error carries stdout and stderr. */
export async function sh(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  try {
    const { stdout } = await run(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout}\n${failed.stderr}`,
    );
  }
}

/** A new npm project in `dir`/`name` with these files, and the tarballs installed. */
export async function userProject(
  packed: Packed,
  name: string,
  files: Record<string, string>,
  extraDevDependencies: readonly string[] = [],
): Promise<string> {
  const project = join(packed.dir, name);
  await mkdir(project, { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) await writeFile(join(project, file), text);
  await sh('npm', ['install', '--no-audit', '--no-fund', ...Object.values(packed.tarballs)], {
    cwd: project,
  });
  if (extraDevDependencies.length > 0) {
    await sh('npm', ['install', '--no-audit', '--no-fund', '-D', ...extraDevDependencies], { cwd: project });
  }
  return project;
}
