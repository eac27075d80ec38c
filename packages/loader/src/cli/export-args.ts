/** `haul export` flags → a plain description of the export. Pure, like load-args.ts. */
import type { ExportFormat, ExportOptions } from '../api.ts';
import { oneOf, parseFlags, positiveInteger, singlePositional } from './option-values.ts';
import { UsageError } from './usage-error.ts';

const COMMAND = 'export';

const FLAGS = {
  query: { type: 'string' },
  url: { type: 'string' },
  'partition-on': { type: 'string' },
  partitions: { type: 'string' },
  format: { type: 'string', short: 'f' },
  header: { type: 'boolean' },
  snapshot: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly ExportFormat[] = ['csv', 'ndjson', 'binary'];

/** The ExportOptions a command line decides; the command adds the connection and the signal. */
export type ExportSettings = Pick<
  ExportOptions,
  'table' | 'query' | 'partitionOn' | 'partitions' | 'format' | 'header' | 'consistent'
>;

export interface ExportInvocation {
  command: 'export';
  url?: string;
  settings: ExportSettings;
  /** A file to write; undefined (or `-`) means stdout. */
  outputPath?: string;
  quiet: boolean;
}

export type ExportArgs = ExportInvocation | { command: 'export'; help: true };

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const { values, positionals } = parseFlags(argv, FLAGS, COMMAND);
  if (values.help) return { command: COMMAND, help: true };

  const table = singlePositional(positionals, 'table', COMMAND);
  if (table !== undefined && values.query !== undefined) {
    throw new UsageError(`give a table or --query, not both (got table "${table}" and a query)`, COMMAND);
  }
  if (table === undefined && (values.query === undefined || values.query.trim() === '')) {
    throw new UsageError('missing what to export: a table name, or --query SQL', COMMAND);
  }

  const settings: ExportSettings = table === undefined ? { query: values.query! } : { table };
  if (values['partition-on'] !== undefined) settings.partitionOn = values['partition-on'];
  if (values.partitions !== undefined) {
    const partitions = positiveInteger('partitions', values.partitions, COMMAND);
    if (partitions > 1 && settings.partitionOn === undefined && table === undefined) {
      throw new UsageError(
        '--partitions above 1 of a --query needs --partition-on COLUMN to split its rows by (a table splits by its pages)',
        COMMAND,
      );
    }
    settings.partitions = partitions;
  }
  if (values.format !== undefined) settings.format = oneOf('format', values.format, FORMATS, COMMAND);
  if (values.header !== undefined) {
    if ((settings.format ?? 'csv') !== 'csv')
      throw new UsageError('--header/--no-header is for csv', COMMAND);
    settings.header = values.header;
  }
  if (values.snapshot !== undefined) settings.consistent = values.snapshot;

  const invocation: ExportInvocation = { command: COMMAND, settings, quiet: values.quiet ?? false };
  if (values.url !== undefined) invocation.url = values.url;
  if (values.output !== undefined && values.output !== '-') invocation.outputPath = values.output;
  return invocation;
}
