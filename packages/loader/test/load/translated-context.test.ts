/**
 * A server whose lc_messages is not English words COPY's CONTEXT in its own language ("COPY t,
 * Zeile 5: …"), or a failure comes with no CONTEXT at all: the load must still name the refused row's
 * source line (and column, where the server's error has one), in abort and reject mode, binary and raw
 * COPY alike. A proxy in front of the real server rewrites the CONTEXT of its ErrorResponses; the
 * same load straight to the server (English CONTEXT) is the oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { LoadOptions, RejectedRow } from '../../src/api.ts';
import { BadRowError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { badRowOf } from '../support/load-failure.ts';
import { drop, german, type TranslatingProxy, translatingProxy } from '../support/translating-proxy.ts';

const ROWS = 3_000;
/** The refused row (0-based): far enough in that it is in a later chunk than the first. */
const BAD = 2_000;

type Kind = 'check' | 'trigger';

/**
 * CSV whose row 1 spans two lines (the server counts lines, the source too) and whose row BAD breaks
 * `kind`'s rule: the check constraint (no column in any language), or the trigger's (which names the
 * column in its own field of the ErrorResponse, and puts its frame before COPY's in the CONTEXT).
 */
function source(kind: Kind): string {
  let text = 'id,b,note\n';
  for (let i = 0; i < ROWS; i++) {
    const b = i !== BAD ? String(i % 50) : kind === 'check' ? '500' : '77';
    text += `${i},${b},${i === 1 ? '"two\nlines"' : `row ${i}`}\n`;
  }
  return text;
}
/** Header, then one line per row, row 1 taking two. */
const BAD_LINE = BAD + 3;

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  const proxies: Record<string, TranslatingProxy> = {};
  beforeAll(async () => {
    admin = adminClient(url);
    proxies.german = await translatingProxy(url, german);
    proxies.none = await translatingProxy(url, drop);
  });
  afterAll(async () => {
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await admin.end();
  });

  async function table(): Promise<string> {
    const name = uniqueName('translated');
    await admin.unsafe(`
      create table ${name} (id int, b int check (b < 100), note text);
      create function ${name}_refuse() returns trigger language plpgsql as $$
      begin
        if new.b = 77 then
          raise exception 'b may not be 77' using errcode = 'invalid_parameter_value', column = 'b';
        end if;
        return new;
      end $$;
      create trigger refuse before insert on ${name} for each row execute function ${name}_refuse();`);
    return name;
  }

  function options(target: string, name: string, kind: Kind, format: 'binary' | 'raw') {
    return {
      ...via(target),
      table: name,
      source: source(kind),
      format: 'csv',
      copyFormat: format,
      chunkBytes: 4 * 1024,
      shards: 2,
    } satisfies LoadOptions;
  }

  /** Where a row is named: what the English server's context gives must survive the translation. */
  const where = (error: { line: number; column?: string; sqlstate?: string }) => ({
    line: error.line,
    column: error.column,
    sqlstate: error.sqlstate,
  });

  const cases = [
    ['check', 'binary'],
    ['check', 'raw'],
    ['trigger', 'binary'],
    ['trigger', 'raw'],
  ] as const;

  describe.each(['german', 'none'] as const)('CONTEXT %s', (context) => {
    it.each(cases)('abort mode names the refused row (%s, %s COPY)', async (kind, format) => {
      const english = await badRowOf(load(options(url, await table(), kind, format)));
      expect(english.line).toBe(BAD_LINE);
      const before = proxies[context]!.rewritten;
      const name = await table();
      const translated = await badRowOf(load(options(proxies[context]!.url, name, kind, format)));
      expect(proxies[context]!.rewritten).toBeGreaterThan(before);
      expect(translated).toBeInstanceOf(BadRowError);
      expect(where(translated)).toEqual(where(english));
      if (kind === 'trigger') expect(translated.column).toBe('b');
      expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(0);
    });

    it.each(cases)(
      'reject mode sets the refused row aside with its line (%s, %s COPY)',
      async (kind, format) => {
        const run = async (target: string) => {
          const rejected: RejectedRow[] = [];
          const name = await table();
          const report = await load({
            ...options(target, name, kind, format),
            onError: 'reject',
            onReject: (row) => {
              rejected.push(row);
            },
          });
          expect(report.rows).toBe(ROWS - 1);
          expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(ROWS - 1);
          expect(rejected).toHaveLength(1);
          return rejected[0]!;
        };
        const english = await run(url);
        expect(english.line).toBe(BAD_LINE);
        const translated = await run(proxies[context]!.url);
        expect(where(translated)).toEqual(where(english));
        expect(translated.text).toBe(english.text);
      },
    );
  });
});
