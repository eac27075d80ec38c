/**
 * `haul load` flags → a plain description of the load to run. Pure (no I/O, no environment), so every
 * flag combination is unit-tested without a database.
 */
import type { LoadMode, LoadOptions, OnError, SourceFormat } from '../api.ts';
import { COMMIT_CHOICES } from '../load/settings.ts';
import {
  byteSize,
  nameList,
  oneOf,
  parseFlags,
  positiveInteger,
  singleByte,
  singlePositional,
  wholeNumber,
} from './option-values.ts';
import { UsageError } from './usage-error.ts';

const COMMAND = 'load';

const FLAGS = {
  table: { type: 'string', short: 't' },
  url: { type: 'string' },
  format: { type: 'string', short: 'f' },
  header: { type: 'boolean' },
  delimiter: { type: 'string' },
  quote: { type: 'string' },
  escape: { type: 'string' },
  null: { type: 'string' },
  columns: { type: 'string' },
  'ignore-unknown': { type: 'boolean' },
  shards: { type: 'string' },
  mode: { type: 'string' },
  commit: { type: 'string' },
  conflict: { type: 'string' },
  replace: { type: 'boolean' },
  key: { type: 'string' },
  'batch-rows': { type: 'string' },
  'load-id': { type: 'string' },
  'on-error': { type: 'string' },
  rejects: { type: 'string' },
  'max-rejects': { type: 'string' },
  'max-row-bytes': { type: 'string' },
  'stall-timeout': { type: 'string' },
  'create-table': { type: 'boolean' },
  'copy-format': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly SourceFormat[] = ['csv', 'tsv', 'ndjson', 'json'];
const MODES: readonly LoadMode[] = ['atomic', 'batches'];
const CONFLICTS: readonly NonNullable<LoadOptions['conflict']>[] = ['error', 'skip', 'update'];
const ON_ERROR: readonly OnError[] = ['abort', 'reject'];
const COPY_FORMATS = ['auto', 'raw', 'binary', 'mixed', 'text'] as const;

export type LoadInput = { kind: 'stdin' } | { kind: 'file'; path: string };

/** The LoadOptions a command line decides; the command adds source, connection, signal and callbacks. */
export type LoadSettings = Pick<
  LoadOptions,
  | 'table'
  | 'format'
  | 'header'
  | 'delimiter'
  | 'quote'
  | 'escape'
  | 'null'
  | 'columns'
  | 'ignoreUnknownColumns'
  | 'shards'
  | 'mode'
  | 'commit'
  | 'conflict'
  | 'replace'
  | 'key'
  | 'batchRows'
  | 'loadId'
  | 'onError'
  | 'createTable'
  | 'copyFormat'
  | 'maxRejects'
  | 'maxRowBytes'
  | 'stallTimeout'
>;

export interface LoadInvocation {
  command: 'load';
  input: LoadInput;
  /** --url; the environment's DATABASE_URL is consulted later, by the command. */
  url?: string;
  settings: LoadSettings;
  /** Where rejected rows go; set exactly when onError is 'reject'. */
  rejectsPath?: string;
  json: boolean;
  quiet: boolean;
}

export type LoadArgs = LoadInvocation | { command: 'load'; help: true };

/** `<file>.rejects.csv` next to the input, or `haul.rejects.csv` in the working directory for stdin. */
export function defaultRejectsPath(input: LoadInput): string {
  return input.kind === 'file' ? `${input.path}.rejects.csv` : 'haul.rejects.csv';
}

function shardCount(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new UsageError(`--shards: expected a positive integer or "auto", got "${value}"`, COMMAND);
  }
  return parsed;
}

/** Reject mode is asked for by `--on-error reject`, or implied by naming a rejects file. */
function onErrorOf(onError: string | undefined, rejects: string | undefined): OnError | undefined {
  const chosen = onError === undefined ? undefined : oneOf('on-error', onError, ON_ERROR, COMMAND);
  if (chosen === 'abort' && rejects !== undefined) {
    throw new UsageError('--rejects needs --on-error reject (abort mode rejects nothing)', COMMAND);
  }
  return chosen ?? (rejects === undefined ? undefined : 'reject');
}

export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const { values, positionals } = parseFlags(argv, FLAGS, COMMAND);
  if (values.help) return { command: COMMAND, help: true };

  const file = singlePositional(positionals, 'input file (or - for stdin)', COMMAND);
  if (file === undefined) throw new UsageError('missing the input: a file, or - for stdin', COMMAND);
  if (values.table === undefined || values.table.trim() === '') {
    throw new UsageError('missing --table: the table to load into', COMMAND);
  }
  const input: LoadInput = file === '-' ? { kind: 'stdin' } : { kind: 'file', path: file };

  const settings: LoadSettings = { table: values.table };
  if (values.format !== undefined) settings.format = oneOf('format', values.format, FORMATS, COMMAND);
  // A pipe has no file name to infer the format from; CSV is the common case and says so in --help.
  else if (input.kind === 'stdin') settings.format = 'csv';
  if (values.header !== undefined) settings.header = values.header;
  if (values.delimiter !== undefined) settings.delimiter = singleByte('delimiter', values.delimiter, COMMAND);
  if (values.quote !== undefined) settings.quote = singleByte('quote', values.quote, COMMAND);
  if (values.escape !== undefined) settings.escape = singleByte('escape', values.escape, COMMAND);
  if (values.null !== undefined) settings.null = values.null;
  if (values.columns !== undefined) settings.columns = nameList('columns', values.columns, COMMAND);
  if (values['ignore-unknown']) settings.ignoreUnknownColumns = true;
  if (values.shards !== undefined) settings.shards = shardCount(values.shards);
  if (values.mode !== undefined) settings.mode = oneOf('mode', values.mode, MODES, COMMAND);
  if (values.commit !== undefined) settings.commit = oneOf('commit', values.commit, COMMIT_CHOICES, COMMAND);
  if (values.conflict !== undefined) {
    settings.conflict = oneOf('conflict', values.conflict, CONFLICTS, COMMAND);
  }
  if (values.key !== undefined) settings.key = nameList('key', values.key, COMMAND);
  if ((settings.conflict ?? 'error') === 'error' && settings.key) {
    throw new UsageError('--key needs --conflict skip or --conflict update', COMMAND);
  }
  if (settings.conflict && settings.conflict !== 'error' && !settings.key) {
    throw new UsageError(
      `--conflict ${settings.conflict} needs --key (a primary key or unique index)`,
      COMMAND,
    );
  }
  if (values.replace) settings.replace = true;
  if ((settings.conflict && settings.conflict !== 'error') || settings.replace) settings.commit ??= 'staged';
  if (values['batch-rows'] !== undefined) {
    if (settings.mode !== 'batches' && settings.commit !== 'staged') {
      throw new UsageError('--batch-rows needs --mode batches or --commit staged', COMMAND);
    }
    settings.batchRows = positiveInteger('batch-rows', values['batch-rows'], COMMAND);
  }
  if (values['load-id'] !== undefined) {
    if (values['load-id'].trim() === '') throw new UsageError('--load-id: expected a name', COMMAND);
    settings.loadId = values['load-id'];
  }
  const onError = onErrorOf(values['on-error'], values.rejects);
  if (onError !== undefined) settings.onError = onError;
  if (values['max-rejects'] !== undefined) {
    if (onError !== 'reject') throw new UsageError('--max-rejects needs --on-error reject', COMMAND);
    settings.maxRejects = wholeNumber('max-rejects', values['max-rejects'], COMMAND);
  }
  if (values['max-row-bytes'] !== undefined) {
    settings.maxRowBytes = byteSize('max-row-bytes', values['max-row-bytes'], COMMAND);
  }
  if (values['stall-timeout'] !== undefined) {
    settings.stallTimeout = wholeNumber('stall-timeout', values['stall-timeout'], COMMAND) * 1000;
  }
  if (values['create-table']) settings.createTable = true;
  if (values['copy-format'] !== undefined) {
    settings.copyFormat = oneOf('copy-format', values['copy-format'], COPY_FORMATS, COMMAND);
  }

  const invocation: LoadInvocation = {
    command: COMMAND,
    input,
    settings,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
  if (values.url !== undefined) invocation.url = values.url;
  if (onError === 'reject') invocation.rejectsPath = values.rejects ?? defaultRejectsPath(input);
  return invocation;
}
