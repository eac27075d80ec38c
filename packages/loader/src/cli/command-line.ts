/** `haul <command> …` → which command, with its parsed flags. Pure. */
import { type ExportArgs, parseExportArgs } from './export-args.ts';
import { type LoadArgs, parseLoadArgs } from './load-args.ts';
import { parseRecoverArgs, type RecoverArgs } from './recover-args.ts';
import { UsageError } from './usage-error.ts';

export type CommandLine = LoadArgs | ExportArgs | RecoverArgs | { command: 'help' } | { command: 'version' };

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  switch (command) {
    case 'load':
      return parseLoadArgs(rest);
    case 'export':
      return parseExportArgs(rest);
    case 'recover':
      return parseRecoverArgs(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help' };
    case 'version':
    case '--version':
    case '-V':
      return { command: 'version' };
    default:
      throw new UsageError(`unknown command "${command}": expected load, export or recover`);
  }
}
