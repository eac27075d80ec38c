/** The CLI's pure parts: flags → options, usage errors naming the flag, the URL rule. No database. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/command-line.ts';
import { databaseUrl } from '../../src/cli/database-url.ts';
import { parseExportArgs } from '../../src/cli/export-args.ts';
import { defaultRejectsPath, type LoadInvocation, parseLoadArgs } from '../../src/cli/load-args.ts';
import { parseRecoverArgs } from '../../src/cli/recover-args.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

function loadArgs(...argv: string[]): LoadInvocation {
  const parsed = parseLoadArgs(argv);
  if ('help' in parsed) throw new Error('expected a load, got --help');
  return parsed;
}

/** The UsageError `run` throws; fails the test if it throws nothing or something else. */
function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('haul load flags', () => {
  it('takes a file and a table, leaving everything else to the loader', () => {
    expect(loadArgs('data.csv', '--table', 'people')).toEqual({
      command: 'load',
      input: { kind: 'file', path: 'data.csv' },
      settings: { table: 'people' },
      json: false,
      quiet: false,
    });
  });

  it('reads stdin for -, as CSV unless told otherwise', () => {
    expect(loadArgs('-', '-t', 'people')).toMatchObject({
      input: { kind: 'stdin' },
      settings: { table: 'people', format: 'csv' },
    });
    expect(loadArgs('-', '-t', 'people', '--format', 'ndjson').settings.format).toBe('ndjson');
  });

  it('maps every flag onto LoadOptions', () => {
    const parsed = loadArgs(
      'in.tsv.gz',
      '--table',
      'app."My Table"',
      '--url',
      'postgres://u@h/db',
      '--format',
      'tsv',
      '--no-header',
      '--delimiter',
      '\\t',
      '--quote',
      "'",
      '--escape',
      '\\\\',
      '--null',
      'NULL',
      '--columns',
      'a, b,c',
      '--ignore-unknown',
      '--shards',
      '3',
      '--mode',
      'batches',
      '--batch-rows',
      '5000',
      '--load-id',
      'nightly-1',
      '--on-error',
      'reject',
      '--rejects',
      'bad.csv',
      '--create-table',
      '--copy-format',
      'text',
      '--json',
      '--quiet',
    );
    expect(parsed).toEqual({
      command: 'load',
      input: { kind: 'file', path: 'in.tsv.gz' },
      url: 'postgres://u@h/db',
      settings: {
        table: 'app."My Table"',
        format: 'tsv',
        header: false,
        delimiter: '\t',
        quote: "'",
        escape: '\\',
        null: 'NULL',
        columns: ['a', 'b', 'c'],
        ignoreUnknownColumns: true,
        shards: 3,
        mode: 'batches',
        batchRows: 5000,
        loadId: 'nightly-1',
        onError: 'reject',
        createTable: true,
        copyFormat: 'text',
      },
      rejectsPath: 'bad.csv',
      json: true,
      quiet: true,
    });
  });

  it('lets the last of --header / --no-header win', () => {
    expect(loadArgs('a.csv', '-t', 't', '--no-header', '--header').settings.header).toBe(true);
    expect(loadArgs('a.csv', '-t', 't', '--header', '--no-header').settings.header).toBe(false);
  });

  it('accepts --shards auto and "tab" as a delimiter', () => {
    expect(loadArgs('a.csv', '-t', 't', '--shards', 'auto').settings.shards).toBe('auto');
    expect(loadArgs('a.csv', '-t', 't', '--delimiter', 'tab').settings.delimiter).toBe('\t');
  });

  it('puts rejects next to the input by default, and in haul.rejects.csv for stdin', () => {
    expect(loadArgs('dir/a.csv', '-t', 't', '--on-error', 'reject').rejectsPath).toBe(
      'dir/a.csv.rejects.csv',
    );
    expect(loadArgs('-', '-t', 't', '--on-error', 'reject').rejectsPath).toBe('haul.rejects.csv');
    expect(defaultRejectsPath({ kind: 'stdin' })).toBe('haul.rejects.csv');
    expect(loadArgs('a.csv', '-t', 't').rejectsPath).toBeUndefined();
  });

  it('takes --rejects FILE as asking for reject mode', () => {
    const parsed = loadArgs('a.csv', '-t', 't', '--rejects', 'r.csv');
    expect(parsed.settings.onError).toBe('reject');
    expect(parsed.rejectsPath).toBe('r.csv');
  });

  it('answers --help without needing anything else', () => {
    expect(parseLoadArgs(['--help'])).toEqual({ command: 'load', help: true });
    expect(parseLoadArgs(['-h', '--shards', 'nonsense'])).toEqual({ command: 'load', help: true });
  });

  it.each([
    [['--table', 't'], /missing the input/],
    [['a.csv'], /missing --table/],
    [['a.csv', 'b.csv', '-t', 't'], /expected one input file/],
    [['a.csv', '-t', 't', '--tabel', 'x'], /--tabel/],
    [['a.csv', '-t', 't', '--format', 'xml'], /--format: expected one of csv, tsv, ndjson, json, got "xml"/],
    [['a.csv', '-t', 't', '--shards', '0'], /--shards: expected a positive integer or "auto"/],
    [['a.csv', '-t', 't', '--shards', '2.5'], /--shards/],
    [['a.csv', '-t', 't', '--mode', 'yolo'], /--mode: expected one of atomic, batches/],
    [['a.csv', '-t', 't', '--batch-rows', '10'], /--batch-rows needs --mode batches/],
    [['a.csv', '-t', 't', '--conflict', 'merge'], /--conflict: expected one of error, skip, update/],
    [['a.csv', '-t', 't', '--conflict', 'update'], /--conflict update needs --key/],
    [['a.csv', '-t', 't', '--key', 'id'], /--key needs --conflict skip or --conflict update/],
    [['a.csv', '-t', 't', '--mode', 'batches', '--batch-rows', '-3'], /--batch-rows/],
    [['a.csv', '-t', 't', '--on-error', 'skip'], /--on-error: expected one of abort, reject/],
    [['a.csv', '-t', 't', '--on-error', 'abort', '--rejects', 'r.csv'], /--rejects needs --on-error reject/],
    [['a.csv', '-t', 't', '--delimiter', ';;'], /--delimiter: expected one ASCII character/],
    [['a.csv', '-t', 't', '--quote', 'é'], /--quote: expected one ASCII character/],
    [['a.csv', '-t', 't', '--columns', 'a,,b'], /--columns: expected comma-separated names/],
    [
      ['a.csv', '-t', 't', '--copy-format', 'csv'],
      /--copy-format: expected one of auto, raw, binary, mixed, text/,
    ],
    [['a.csv', '-t'], /-t, --table/],
  ])('rejects %j naming the problem', (argv, message) => {
    const error = usageError(() => parseLoadArgs(argv));
    expect(error.message).toMatch(message);
    expect(error.command).toBe('load');
  });
});

describe('haul load --conflict', () => {
  it('skip and update imply the staged commit', () => {
    const parsed = parseLoadArgs(['a.csv', '-t', 't', '--conflict', 'update', '--key', 'id,region']);
    expect(parsed).toMatchObject({
      settings: { conflict: 'update', key: ['id', 'region'], commit: 'staged' },
    });
  });
});

describe('haul export flags', () => {
  it('exports a table, or a query, with partitions', () => {
    expect(parseExportArgs(['people'])).toEqual({
      command: 'export',
      settings: { table: 'people' },
      quiet: false,
    });
    // A table splits by its pages without --partition-on.
    expect(parseExportArgs(['people', '--partitions', '2'])).toEqual({
      command: 'export',
      settings: { table: 'people', partitions: 2 },
      quiet: false,
    });
    expect(
      parseExportArgs([
        '--query',
        'select 1',
        '--partition-on',
        'id',
        '--partitions',
        '4',
        '--format',
        'csv',
        '--no-header',
        '--no-snapshot',
        '-o',
        'out.csv',
        '--url',
        'postgres://x',
      ]),
    ).toEqual({
      command: 'export',
      url: 'postgres://x',
      settings: {
        query: 'select 1',
        partitionOn: 'id',
        partitions: 4,
        format: 'csv',
        header: false,
        consistent: false,
      },
      outputPath: 'out.csv',
      quiet: false,
    });
  });

  it('treats -o - as stdout', () => {
    expect(parseExportArgs(['t', '-o', '-'])).not.toHaveProperty('outputPath');
  });

  it.each([
    [[], /missing what to export/],
    [['t', '--query', 'select 1'], /a table or --query, not both/],
    [['--query', 'select 1', '--partitions', '4'], /--partitions above 1 of a --query needs --partition-on/],
    [['t', '--partitions', 'many'], /--partitions: expected a positive integer/],
    [['t', '--format', 'parquet'], /--format: expected one of csv, ndjson, binary/],
    [['t', '--format', 'binary', '--no-header'], /--header\/--no-header is for csv/],
    [['t', 'u'], /expected one table/],
  ])('rejects %j naming the problem', (argv, message) => {
    expect(usageError(() => parseExportArgs(argv)).message).toMatch(message);
  });
});

describe('haul recover flags', () => {
  const actionOf = (...argv: string[]) => {
    const parsed = parseRecoverArgs(argv);
    if ('help' in parsed) throw new Error('expected an action, got --help');
    return parsed.action;
  };

  it('lists by default, and resolves one or all', () => {
    expect(parseRecoverArgs([])).toEqual({ command: 'recover', action: { kind: 'list' }, json: false });
    expect(actionOf('--commit', 'L1')).toEqual({ kind: 'commit', loadId: 'L1' });
    expect(actionOf('--rollback', 'L1')).toEqual({ kind: 'rollback', loadId: 'L1' });
    expect(actionOf('--auto')).toEqual({ kind: 'auto' });
    expect(actionOf('--auto', 'L2')).toEqual({ kind: 'auto', loadId: 'L2' });
    expect(parseRecoverArgs(['--help'])).toEqual({ command: 'recover', help: true });
  });

  it.each([
    [['--commit', 'a', '--rollback', 'b'], /one of --commit ID, --rollback ID, --auto/],
    [['--commit', 'a', '--auto'], /one of/],
    [['L1'], /unexpected argument "L1"/],
    [['--commit'], /--commit/],
  ])('rejects %j', (argv, message) => {
    expect(usageError(() => parseRecoverArgs(argv)).message).toMatch(message);
  });
});

describe('haul <command>', () => {
  it('dispatches, and shows help for no command', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help' });
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['export', '--help'])).toEqual({ command: 'export', help: true });
    expect(parseCommandLine(['recover']).command).toBe('recover');
  });

  it('names an unknown command', () => {
    expect(usageError(() => parseCommandLine(['lod', 'a.csv'])).message).toMatch(/unknown command "lod"/);
  });
});

describe('database URL', () => {
  it('prefers --url, then DATABASE_URL', () => {
    expect(databaseUrl('postgres://flag', { DATABASE_URL: 'postgres://env' }, 'load')).toBe(
      'postgres://flag',
    );
    expect(databaseUrl(undefined, { DATABASE_URL: 'postgres://env' }, 'load')).toBe('postgres://env');
  });

  it('says how to give one when there is none', () => {
    const error = usageError(() => databaseUrl(undefined, {}, 'load'));
    expect(error.message).toMatch(/--url .*DATABASE_URL/);
  });
});
