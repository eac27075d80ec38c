/**
 * /v1/sql keeps its memory within HAUL_SQL_MAX_ROWS / HAUL_SQL_MAX_BYTES whatever the query returns:
 * the Node worker runs in a process of its own (defaults: 100,000 rows, 16 MiB), is asked for results
 * far beyond both caps (3,000,000 rows; 200 MB of row data), answers 413 naming the statement and the
 * limit, and its peak RSS (VmHWM, which no short spike escapes) grows by far less than the results
 * would take. Before the caps, 3M rows took the worker to 1.04 GB.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type StartedEntry, startEntry, stopEntry } from '../runtimes/spawn-entry.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;
const TOKEN = 'test-token.memory';
const MB = 1024 * 1024;

/** Peak resident set of `pid` in bytes (Linux /proc), or undefined elsewhere. */
function peakRss(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface SqlAnswer {
  status: number;
  body: {
    error?: { message: string; statement?: number; limit?: string; max?: number };
    results: { ok: boolean; error?: { limit?: string } }[];
  };
}

describe.skipIf(peakRss(process.pid) === undefined)(`/v1/sql memory (${target.name})`, () => {
  let worker: StartedEntry;

  const sql = async (statement: string): Promise<SqlAnswer> => {
    const res = await fetch(`${worker.url}/v1/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ statements: [{ sql: 'select 1 as one' }, { sql: statement }] }),
    });
    return { status: res.status, body: (await res.json()) as SqlAnswer['body'] };
  };

  beforeAll(async () => {
    worker = await startEntry('node', { DATABASE_URL: target.url, HAUL_TOKEN: TOKEN });
  });
  afterAll(() => stopEntry(worker));

  it('answers 413 for results far past both caps, with peak RSS bounded', async () => {
    const pid = worker.child.pid!;
    // Warm: code loaded, one connection made and closed.
    expect((await sql('select 2 as two')).status).toBe(200);
    const before = peakRss(pid)!;

    const rows = await sql("select g, 'row ' || g as label from generate_series(1, 3000000) g");
    expect(rows.status).toBe(413);
    expect(rows.body.error).toMatchObject({ statement: 1, limit: 'rows', max: 100_000 });
    expect(rows.body.error?.message).toMatch(/statements\[1\].*100000 rows \(HAUL_SQL_MAX_ROWS\)/);
    expect(rows.body.results.map((r) => r.ok)).toEqual([true, false]);

    const bytes = await sql("select repeat('x', 2000) as s from generate_series(1, 99000)");
    expect(bytes.status).toBe(413);
    expect(bytes.body.error).toMatchObject({ statement: 1, limit: 'bytes', max: 16 * MB });

    const after = peakRss(pid)!;
    console.log(
      `worker peak RSS: ${(before / MB).toFixed(0)} MB before, ${(after / MB).toFixed(0)} MB after ` +
        '3,000,000 rows and 198 MB of row data were asked for',
    );
    // Either result held whole would take hundreds of MB; the caps keep about 16 MB of rows.
    expect(after - before).toBeLessThan(150 * MB);
  });
});
