/** What the CLI prints and writes, from plain values: rejects records, the report, failures. */
import { PostgresError } from '@haul/protocol';
import { describe, expect, it } from 'vitest';
import type { LoadReport } from '../../src/api.ts';
import { ExitCode } from '../../src/cli/exit-codes.ts';
import { exitCodeFor, failureJson, failureText } from '../../src/cli/failure.ts';
import { loadReportText } from '../../src/cli/load-report-text.ts';
import { csvField, REJECTS_HEADER, rejectRecord } from '../../src/cli/rejects-file.ts';
import { bytes, seconds } from '../../src/cli/units.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { BadRowError, LoadConfigError, LoadFailedError } from '../../src/errors.ts';

describe('rejects records', () => {
  it('has a fixed header', () => {
    expect(REJECTS_HEADER.join(',')).toBe('line,column,sqlstate,error,text');
  });

  it('quotes only what needs quoting, as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps the original text intact inside one record', () => {
    const record = rejectRecord({
      line: 7,
      text: '7,"x, y",oops',
      error: 'invalid input syntax for type integer: "oops"',
      column: 'n',
      sqlstate: '22P02',
    });
    expect(record).toBe('7,n,22P02,"invalid input syntax for type integer: ""oops""","7,""x, y"",oops"\n');
    expect(rejectRecord({ line: 3, text: 'a', error: 'too many fields' })).toBe('3,,,too many fields,a\n');
  });
});

const REPORT: LoadReport = {
  loadId: 'L-1',
  table: 'public.people',
  rows: 1_234_567,
  bytes: 98_600_000,
  ms: 2410,
  rowsPerSecond: 512_268,
  committed: true,
  mode: 'atomic',
  copyFormat: 'text',
  textReason: 'column "shape" (type geometry) has no binary converter',
  commit: 'barrier',
  rejected: 2,
  shards: [
    { shard: 0, rows: 617_000, bytes: 49_300_000, chunks: 24, ms: 2300, state: 'committed' },
    { shard: 1, rows: 617_567, bytes: 49_300_000, chunks: 24, ms: 2350, state: 'committed' },
  ],
};

describe('load report', () => {
  it('shows totals, commit method, copy format with the reason, and each shard', () => {
    const text = loadReportText(REPORT, { rejectsPath: 'in.csv.rejects.csv' });
    expect(text).toContain('loaded 1,234,567 rows into public.people');
    expect(text).toMatch(/bytes\s+98\.6 MB/);
    expect(text).toMatch(/time\s+2\.41 s/);
    expect(text).toMatch(/rows\/s\s+512,268/);
    expect(text).toMatch(/commit\s+barrier/);
    expect(text).toContain('text, because column "shape" (type geometry) has no binary converter');
    expect(text).toMatch(/rejected\s+2/);
    expect(text).toMatch(/rejects file\s+in\.csv\.rejects\.csv/);
    expect(text).toMatch(/^\s*1\s+617,567\s+49\.3 MB\s+24\s+2\.35 s\s+262,794\s+committed$/m);
  });

  it('formats sizes and times for people', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1_500_000_000)).toBe('1.50 GB');
    expect(seconds(250)).toBe('250 ms');
    expect(seconds(185_000)).toBe('3 min 5 s');
  });
});

describe('failures', () => {
  const serverError = new PostgresError({
    severity: 'ERROR',
    code: '22P02',
    message: 'invalid input syntax for type double precision: "abc"',
  });
  const badRow = new BadRowError(
    'line 17: column "score": invalid input syntax for type double precision: "abc"',
    { line: 17, column: 'score', value: 'abc', sqlstate: '22P02' },
    { cause: serverError },
  );
  const failed = new LoadFailedError('a row was refused', 'L-9', true, { cause: badRow });

  it('maps errors to exit codes', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(ExitCode.usage);
    expect(exitCodeFor(new LoadConfigError('no such table'))).toBe(ExitCode.usage);
    expect(exitCodeFor(failed)).toBe(ExitCode.failed);
    expect(exitCodeFor(new Error('socket closed'))).toBe(ExitCode.failed);
  });

  it('names line, column, value and SQLSTATE of the bad row', () => {
    const text = failureText(failed, 'load');
    expect(text).toMatch(
      /^haul load: a row was refused\n {2}the load was rolled back: nothing was committed\n/,
    );
    expect(text).toContain('at line 17, column "score", value "abc", SQLSTATE 22P02');
    expect(failureJson(failed)).toEqual({
      error: {
        name: 'LoadFailedError',
        message: 'a row was refused',
        loadId: 'L-9',
        rolledBack: true,
        line: 17,
        column: 'score',
        value: 'abc',
        sqlstate: '22P02',
      },
    });
  });

  it('says so when a load was not fully rolled back', () => {
    const broken = new LoadFailedError('commit barrier broken', 'L-3', false);
    expect(failureText(broken, 'load')).toMatch(/NOT fully rolled back[\s\S]*haul recover[\s\S]*L-3/);
  });

  it('points usage errors at --help', () => {
    expect(failureText(new UsageError('missing --table', 'load'))).toBe(
      'haul load: missing --table\n(see `haul load --help`)\n',
    );
  });
});
