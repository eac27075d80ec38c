#!/usr/bin/env node
/**
 * The `haul` command: `haul load | export | recover`. Run as `pnpm haul …` from the repository root,
 * or through the package's bin (bin/haul.mjs in this repository, dist/cli/main.js once published). Exit codes are in exit-codes.ts and `haul --help`.
 */
import { parseCommandLine } from './command-line.ts';
import { ExitCode } from './exit-codes.ts';
import { EXPORT_HELP, LOAD_HELP, MAIN_HELP, RECOVER_HELP } from './help-text.ts';
import { print } from './output.ts';
import { packageVersion } from './version.ts';

const HELP = { load: LOAD_HELP, export: EXPORT_HELP, recover: RECOVER_HELP } as const;

export async function main(argv: readonly string[]): Promise<ExitCode> {
  let name: string | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.command === 'help') {
      await print(process.stdout, MAIN_HELP);
      return ExitCode.ok;
    }
    if (line.command === 'version') {
      await print(process.stdout, `haul ${packageVersion()}\n`);
      return ExitCode.ok;
    }
    name = line.command;
    if ('help' in line) {
      await print(process.stdout, HELP[line.command]);
      return ExitCode.ok;
    }
    // Loaded on demand: `--help` and usage errors answer without compiling the loader. Awaited
    // here, so that what they throw lands in the catch below.
    switch (line.command) {
      case 'load':
        return await (await import('./load-command.ts')).runLoad(line);
      case 'export':
        return await (await import('./export-command.ts')).runExport(line);
      case 'recover':
        return await (await import('./recover-command.ts')).runRecover(line);
    }
  } catch (error) {
    // Loaded only now: failure.ts reaches the whole protocol, which --version and --help never need.
    const { exitCodeFor, failureText } = await import('./failure.ts');
    await print(process.stderr, failureText(error, name));
    return exitCodeFor(error);
  }
}

// A reader that leaves (`haul export t | head`) closes stdout; that is its choice, not our crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

// Exit explicitly: stdin or a socket being closed could otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
