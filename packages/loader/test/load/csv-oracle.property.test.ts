/**
 * Generated CSV and TSV, checked against the server's own COPY (format csv / text): ragged rows (a
 * field short, one too many, blank lines), quoted fields with commas, quotes and line breaks, text
 * escapes and escaped line breaks, values the server refuses (casts, ranges, a CHECK constraint),
 * loaded over 1-3 shards in every COPY path. In reject mode the loader must set
 * aside exactly the rows the server refuses (named by the line they start on) and store exactly the
 * rest; in abort mode it must store nothing when the server would refuse any row, and name one of
 * those rows.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { BadRowError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { type OracleFormat, type SourceRow, serverRejects } from '../support/server-copy.ts';

const DDL = '(id int, n int check (n >= 0), t text, d date)';

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** One source dialect: how its fields are written, and the COPY format the server reads it in. */
interface Dialect {
  name: 'csv' | 'tsv';
  copy: OracleFormat;
  separator: string;
  header: string;
  n: fc.Arbitrary<string>;
  t: fc.Arbitrary<string>;
  d: fc.Arbitrary<string>;
}

const DIALECTS: Dialect[] = [
  {
    name: 'csv',
    copy: 'csv',
    separator: ',',
    header: 'id,n,t,d',
    n: fc.constantFrom('', '0', '42', '-5', 'x1', '99999999999', ' 7', '"13"'),
    t: fc.oneof(
      fc.constantFrom(
        '',
        '""',
        'plain',
        quoted('a,b'),
        quoted('say "hi"'),
        quoted('two\nlines'),
        quoted('\n\n'),
      ),
      fc
        .string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', 'é', '\u{1F600}'), maxLength: 12 })
        .map(quoted),
    ),
    d: fc.constantFrom('', '2024-01-15', '2024-02-29', '2024-02-30', '1999-12-31', 'soon'),
  },
  {
    // COPY's text format: \N is NULL, an empty field is '' (not an integer), backslash escapes, and a
    // backslash before a line break makes the break data (the row spans two lines).
    name: 'tsv',
    copy: 'text',
    separator: '\t',
    header: 'id\tn\tt\td',
    n: fc.constantFrom('\\N', '', '0', '42', '-5', 'x1', '99999999999', '\\061'),
    t: fc.oneof(
      fc.constantFrom('\\N', '', 'plain', 'a\\tb', 'back\\\\slash', 'two\\\nlines', 'oct\\101', 'é'),
      fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\\n', '\\\\', '\u{1F600}'), maxLength: 12 }),
    ),
    d: fc.constantFrom('\\N', '2024-01-15', '2024-02-30', 'soon'),
  },
];

const caseArb = (dialect: Dialect) =>
  fc.record({
    /** A row's fields after the id, and its shape: usually whole; one short, one over, or blank. */
    rows: fc.array(fc.tuple(dialect.n, dialect.t, dialect.d, fc.integer({ min: 0, max: 19 })), {
      minLength: 1,
      maxLength: 40,
    }),
    header: fc.boolean(),
    shards: fc.integer({ min: 1, max: 3 }),
    copyFormat: fc.constantFrom('auto', 'raw', 'binary', 'text') as fc.Arbitrary<
      'auto' | 'raw' | 'binary' | 'text'
    >,
  });

type Case = { rows: [string, string, string, number][]; header: boolean };

/** The rows' texts and the lines they start on in the file the loader gets. */
function sourceRows(dialect: Dialect, { rows, header }: Case): SourceRow[] {
  let line = header ? 2 : 1;
  return rows.map(([n, t, d, shape], i) => {
    let fields = [String(i + 1), n, t, d];
    if (shape === 0) fields = fields.slice(0, 3);
    else if (shape === 1) fields.push('extra');
    else if (shape === 2) fields = [''];
    const text = fields.join(dialect.separator);
    const row = { text, line };
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    return row;
  });
}

function fileOf(dialect: Dialect, c: Case, rows: readonly SourceRow[]): string {
  return `${c.header ? `${dialect.header}\n` : ''}${rows.map((r) => `${r.text}\n`).join('')}`;
}

describe.each(databaseTargets().flatMap((target) => DIALECTS.map((dialect) => ({ ...target, dialect }))))(
  '$name, $dialect.name',
  ({ url, dialect }) => {
    let admin: Admin;
    let oracleConn: Connection;
    beforeAll(async () => {
      admin = adminClient(url);
      oracleConn = await connect(url);
    });
    afterAll(async () => {
      await admin.end();
      await oracleConn.close();
    });

    async function tables(): Promise<[string, string]> {
      const target = uniqueName('csv_prop');
      const oracle = uniqueName('csv_prop_oracle');
      await admin.unsafe(`create table ${target} ${DDL}; create table ${oracle} ${DDL}`);
      return [target, oracle];
    }

    async function sameRows(a: string, b: string): Promise<number> {
      return scalar(
        admin,
        `select count(*)::int from ((table ${a} except all table ${b}) union all (table ${b} except all table ${a})) d`,
      );
    }

    it('reject mode sets aside exactly the rows the server refuses, and stores exactly the rest', {
      timeout: 120_000,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(dialect), async (c) => {
          const [target, oracle] = await tables();
          const rows = sourceRows(dialect, c);
          const refused = await serverRejects(oracleConn, oracle, dialect.header, rows, dialect.copy);
          const file = fileOf(dialect, c, rows);
          const rejected: RejectedRow[] = [];
          const report = await load({
            ...via(url),
            table: target,
            source: file,
            format: dialect.name,
            header: c.header,
            shards: c.shards,
            chunkBytes: 1024,
            copyFormat: c.copyFormat,
            onError: 'reject',
            onReject: (row) => {
              rejected.push(row);
            },
          });
          expect(rejected.map((r) => r.line).sort((x, y) => x - y)).toEqual(refused.map((r) => r.line));
          expect(report.rejected).toBe(refused.length);
          expect(report.rows).toBe(rows.length - refused.length);
          expect(await sameRows(target, oracle)).toBe(0);
          await admin.unsafe(`drop table ${target}, ${oracle}`);
        }),
        { numRuns: 25 },
      );
    });

    it('abort mode stores nothing when the server would refuse a row, and names one it refuses', {
      timeout: 120_000,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(dialect), async (c) => {
          const [target, oracle] = await tables();
          const rows = sourceRows(dialect, c);
          const refused = await serverRejects(oracleConn, oracle, dialect.header, rows, dialect.copy);
          const file = fileOf(dialect, c, rows);
          const loading = load({
            ...via(url),
            table: target,
            source: file,
            format: dialect.name,
            header: c.header,
            shards: c.shards,
            chunkBytes: 1024,
            copyFormat: c.copyFormat,
          });
          if (refused.length === 0) {
            const report = await loading;
            expect(report.rows).toBe(rows.length);
            expect(await sameRows(target, oracle)).toBe(0);
          } else {
            const error = await loading.then(
              () => null,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(LoadFailedError);
            expect((error as LoadFailedError).rolledBack).toBe(true);
            const cause = (error as LoadFailedError).cause;
            expect(cause).toBeInstanceOf(BadRowError);
            expect(refused.map((r) => r.line)).toContain((cause as BadRowError).line);
            expect(await scalar(admin, `select count(*)::int from ${target}`)).toBe(0);
          }
          await admin.unsafe(`drop table ${target}, ${oracle}`);
        }),
        { numRuns: 25 },
      );
    });
  },
);
