/**
 * Generated CSV, checked against the server's own COPY: ragged rows (a field short, one too many, blank
 * lines), quoted fields with commas, quotes and line breaks, values the server refuses (casts, ranges,
 * a CHECK constraint), loaded over 1-3 shards in every COPY path. In reject mode the loader must set
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
import { type SourceRow, serverRejects } from '../support/server-copy.ts';

const DDL = '(id int, n int check (n >= 0), t text, d date)';
const HEADER = 'id,n,t,d';

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;
const nField = fc.constantFrom('', '0', '42', '-5', 'x1', '99999999999', ' 7', '"13"');
const tField = fc.oneof(
  fc.constantFrom('', '""', 'plain', quoted('a,b'), quoted('say "hi"'), quoted('two\nlines'), quoted('\n\n')),
  fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', 'é', '\u{1F600}'), maxLength: 12 }).map(quoted),
);
const dField = fc.constantFrom('', '2024-01-15', '2024-02-29', '2024-02-30', '1999-12-31', 'soon');
/** A row's fields after the id: usually n, t, d; sometimes one short, one over, or a blank line. */
const rowShape = fc.tuple(nField, tField, dField, fc.integer({ min: 0, max: 19 }));

const caseArb = fc.record({
  rows: fc.array(rowShape, { minLength: 1, maxLength: 40 }),
  header: fc.boolean(),
  shards: fc.integer({ min: 1, max: 3 }),
  copyFormat: fc.constantFrom('auto', 'raw', 'binary', 'text') as fc.Arbitrary<
    'auto' | 'raw' | 'binary' | 'text'
  >,
});

type Case = { rows: [string, string, string, number][]; header: boolean };

/** The rows' texts and the lines they start on in the file the loader gets. */
function sourceRows({ rows, header }: Case): SourceRow[] {
  let line = header ? 2 : 1;
  return rows.map(([n, t, d, shape], i) => {
    let fields = [String(i + 1), n, t, d];
    if (shape === 0) fields = fields.slice(0, 3);
    else if (shape === 1) fields.push('extra');
    else if (shape === 2) fields = [''];
    const text = fields.join(',');
    const row = { text, line };
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    return row;
  });
}

describe.each(databaseTargets())('$name', ({ url }) => {
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
      fc.asyncProperty(caseArb, async (c) => {
        const [target, oracle] = await tables();
        const rows = sourceRows(c);
        const refused = await serverRejects(oracleConn, oracle, HEADER, rows);
        const file = `${c.header ? `${HEADER}\n` : ''}${rows.map((r) => `${r.text}\n`).join('')}`;
        const rejected: RejectedRow[] = [];
        const report = await load({
          ...via(url),
          table: target,
          source: file,
          format: 'csv',
          header: c.header,
          shards: c.shards,
          chunkBytes: 1024,
          copyFormat: c.copyFormat === 'raw' ? 'auto' : c.copyFormat,
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
      fc.asyncProperty(caseArb, async (c) => {
        const [target, oracle] = await tables();
        const rows = sourceRows(c);
        const refused = await serverRejects(oracleConn, oracle, HEADER, rows);
        const file = `${c.header ? `${HEADER}\n` : ''}${rows.map((r) => `${r.text}\n`).join('')}`;
        const loading = load({
          ...via(url),
          table: target,
          source: file,
          format: 'csv',
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
});
