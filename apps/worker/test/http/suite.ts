/**
 * The worker's HTTP test suite, runtime-agnostic: it only speaks HTTP to a base URL, and sets up and
 * checks its tables through POST /v1/sql. node.test.ts runs it against the Node entry; a workerd
 * runner can call `httpSuite(() => url, token)` against `wrangler dev` or miniflare the same way.
 * Table names carry a random suffix, so runs against one database do not collide.
 */
import { beforeAll, describe, expect, it } from 'vitest';

type Lazy<T> = T | (() => T);

export interface SqlResult {
  ok: boolean;
  command?: string;
  rowCount?: number | null;
  rows?: Record<string, unknown>[];
  error?: { message: string; sqlstate?: string; outcome?: string };
}

interface LoadLine {
  type: 'progress' | 'report' | 'error' | 'reject';
  /** On an error line: the HTTP status the failure maps to. */
  status?: number;
  rows?: number;
  committed?: boolean;
  error?: { message: string; line?: number; column?: string; sqlstate?: string };
}

export interface HttpSuiteOptions {
  /**
   * Whether the runtime notices a chunked (no Content-Length) upload that breaks off. Default true.
   * Pass false only where it cannot: `wrangler dev`'s proxy ends the worker's request body cleanly
   * when the client goes away, so the worker sees a complete, shorter file. The case is then skipped;
   * the Content-Length variant still runs, since a body shorter than declared is refused.
   */
  chunkedDisconnect?: boolean;
}

export function httpSuite(
  getBaseUrl: () => string,
  token: Lazy<string>,
  options: HttpSuiteOptions = {},
): void {
  const tokenOf = () => (typeof token === 'function' ? token() : token);
  const suffix = Math.random().toString(36).slice(2, 8);
  const t = (name: string) => `http_${name}_${suffix}`;
  const url = (path: string) => `${getBaseUrl()}${path}`;
  const auth = () => ({ authorization: `Bearer ${tokenOf()}` });

  async function sql(statements: { sql: string; params?: unknown[] }[], sync?: string): Promise<SqlResult[]> {
    const res = await fetch(url('/v1/sql'), {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ statements, sync }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { results: SqlResult[] }).results;
  }

  async function count(table: string): Promise<number> {
    const [result] = await sql([{ sql: `select count(*)::int as n from ${table}` }]);
    expect(result?.ok, result?.error?.message).toBe(true);
    return result?.rows?.[0]?.['n'] as number;
  }

  async function createTable(table: string): Promise<void> {
    const results = await sql([
      { sql: `drop table if exists ${table}` },
      { sql: `create table ${table} (id int primary key, name text not null, score float8)` },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
  }

  async function upload(
    table: string,
    query: string,
    body: BodyInit,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; lines: LoadLine[] }> {
    const res = await fetch(url(`/v1/tables/${table}/load?${query}`), {
      method: 'POST',
      headers: { ...auth(), ...headers },
      body,
      // Streamed request bodies need it (fetch's half-duplex mode); harmless for the others.
      duplex: 'half',
    } as RequestInit);
    const text = await res.text();
    if (res.status !== 200) return { status: res.status, lines: [JSON.parse(text) as LoadLine] };
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LoadLine);
    return { status: res.status, lines };
  }

  function csvRows(n: number, from = 1): string {
    let out = 'id,name,score\n';
    for (let i = from; i < from + n; i++) out += `${i},name ${i},${i / 2}\n`;
    return out;
  }

  describe('auth and health', () => {
    it('GET /healthz needs no token', async () => {
      const res = await fetch(url('/healthz'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { ok: boolean; runtime: string };
      expect(body.ok).toBe(true);
      expect(typeof body.runtime).toBe('string');
    });

    it('401 JSON without a token and with a wrong one', async () => {
      const none = await fetch(url('/v1/tables'));
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/Authorization/);
      const wrong = await fetch(url('/v1/tables'), { headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/invalid token/);
      const load = await fetch(url(`/v1/tables/${t('x')}/load`), { method: 'POST', body: 'id\n1\n' });
      expect(load.status).toBe(401);
    });

    it('401 with WWW-Authenticate: Bearer for every other spelling of credentials', async () => {
      const refused: [string, RegExp][] = [
        ['Basic dXNlcjpwYXNz', /Basic scheme/],
        [`Basic ${tokenOf()}`, /Basic scheme/],
        [`Token ${tokenOf()}`, /Token scheme/],
        [tokenOf(), /scheme|expected Bearer/],
        ['Bearer', /no token/],
        ['Bearer    ', /no token/],
        [`Bearer ${tokenOf()} extra`, /malformed token/],
        [`Bearer\t${tokenOf()}`, /malformed|scheme/],
        [`Bearer ${tokenOf()}x`, /invalid token/],
        [`bearer ${tokenOf().toUpperCase()}x`, /invalid token/],
        ['Bearer not-the-token', /invalid token/],
      ];
      for (const [header, message] of refused) {
        const res = await fetch(url('/v1/tables'), { headers: { authorization: header } });
        expect(res.status, header).toBe(401);
        expect(res.headers.get('www-authenticate'), header).toMatch(/^Bearer\b/);
        expect(((await res.json()) as { error: { message: string } }).error.message, header).toMatch(message);
      }
      const sql = await fetch(url('/v1/sql'), {
        method: 'POST',
        headers: { authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' },
        body: '{"statements":[{"sql":"select 1"}]}',
      });
      expect(sql.status).toBe(401);
    });

    it('accepts the scheme in any case and extra spaces before the token', async () => {
      for (const header of [`bearer ${tokenOf()}`, `BEARER ${tokenOf()}`, `Bearer    ${tokenOf()}`]) {
        const res = await fetch(url('/v1/tables'), { headers: { authorization: header } });
        expect(res.status, header).toBe(200);
        await res.body?.cancel();
      }
    });
  });

  describe('tables', () => {
    const table = t('schema');
    beforeAll(() => createTable(table));

    it('lists tables with schema, name and estimated rows', async () => {
      const res = await fetch(url('/v1/tables'), { headers: auth() });
      expect(res.status).toBe(200);
      const { tables } = (await res.json()) as { tables: { schema: string; name: string }[] };
      expect(tables).toContainEqual(expect.objectContaining({ schema: 'public', name: table }));
      expect(tables.some((x) => x.schema === 'pg_catalog' || x.schema === 'information_schema')).toBe(false);
    });

    it('describes columns; 404 JSON for a missing table', async () => {
      const res = await fetch(url(`/v1/tables/${table}`), { headers: auth() });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { columns: unknown[] };
      expect(body.columns).toEqual([
        { name: 'id', type: 'integer', notNull: true, hasDefault: false, identity: null, generated: false },
        { name: 'name', type: 'text', notNull: true, hasDefault: false, identity: null, generated: false },
        {
          name: 'score',
          type: 'double precision',
          notNull: false,
          hasDefault: false,
          identity: null,
          generated: false,
        },
      ]);
      const missing = await fetch(url(`/v1/tables/${t('missing')}`), { headers: auth() });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(
        /does not exist/,
      );
    });
  });

  describe('POST /v1/sql', () => {
    const table = t('sql');
    beforeAll(() => createTable(table));
    const statements = [
      { sql: `insert into ${table} (id, name) values ($1, $2)`, params: [1, 'one'] },
      { sql: `insert into ${table} (id, name) values ($1, $2)`, params: [1, 'duplicate'] },
      { sql: `select count(*)::int as n from ${table}` },
    ];

    it('independent: only the failing statement fails', async () => {
      await sql([{ sql: `truncate ${table}` }]);
      const [a, b, c] = await sql(statements, 'independent');
      expect(a).toMatchObject({ ok: true, command: 'INSERT', rowCount: 1 });
      expect(b).toMatchObject({ ok: false, error: { sqlstate: '23505' } });
      expect(c).toMatchObject({ ok: true, command: 'SELECT', rows: [{ n: 1 }] });
      expect(await count(table)).toBe(1);
    });

    it('atomic: a failure rolls back the earlier statements and skips the later ones', async () => {
      await sql([{ sql: `truncate ${table}` }]);
      const [a, b, c] = await sql(statements, 'atomic');
      expect(a).toMatchObject({ ok: false, error: { outcome: 'rolled-back', sqlstate: '23505' } });
      expect(b).toMatchObject({ ok: false, error: { sqlstate: '23505' } });
      expect(b?.error?.outcome).toBeUndefined();
      expect(c).toMatchObject({ ok: false, error: { outcome: 'skipped' } });
      expect(await count(table)).toBe(0);
    });

    it('returns int8 as a string and bytea as hex', async () => {
      const [r] = await sql([{ sql: "select 9007199254740993::int8 as big, '\\x0102'::bytea as b" }]);
      expect(r?.rows).toEqual([{ big: '9007199254740993', b: '\\x0102' }]);
    });

    it('400 for a malformed body, naming what is wrong', async () => {
      const post = (body: string) =>
        fetch(url('/v1/sql'), {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body,
        });
      const cases: [string, RegExp][] = [
        ['{"statements": [', /not valid JSON/],
        ['{}', /"statements" must be a non-empty array/],
        ['{"statements": [{"sql": 1}]}', /statements\[0\]\.sql/],
        ['{"statements": [{"sql": "select 1", "params": 3}]}', /statements\[0\]\.params/],
        ['{"statements": [{"sql": "select 1"}], "sync": "sometimes"}', /"sync"/],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect(res.status, body).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
      }
    });
  });

  describe('load', () => {
    it('CSV over two shards: progress lines, then a committed report', async () => {
      const table = t('csv');
      await createTable(table);
      const { status, lines } = await upload(table, 'format=csv&shards=2', csvRows(5000));
      expect(status).toBe(200);
      expect(lines.some((l) => l.type === 'progress')).toBe(true);
      expect(lines.at(-1)).toMatchObject({ type: 'report', rows: 5000, committed: true });
      expect(await count(table)).toBe(5000);
    });

    it('commit=staged: published in one transaction, the report says how', async () => {
      const table = t('staged');
      await createTable(table);
      const { status, lines } = await upload(
        table,
        'format=csv&shards=2&commit=staged&batchRows=1000',
        csvRows(3000),
      );
      expect(status).toBe(200);
      expect(lines.at(-1)).toMatchObject({
        type: 'report',
        rows: 3000,
        committed: true,
        commit: 'staged',
        published: { inserted: 3000 },
      });
      expect(await count(table)).toBe(3000);
    });

    it('NDJSON', async () => {
      const table = t('ndjson');
      await createTable(table);
      const body = Array.from({ length: 300 }, (_, i) =>
        JSON.stringify({ id: i, name: `n${i}`, score: i }),
      ).join('\n');
      const { lines } = await upload(table, 'format=ndjson', body);
      expect(lines.at(-1)).toMatchObject({ type: 'report', rows: 300, committed: true });
      expect(await count(table)).toBe(300);
    });

    it('gzip CSV sent with Content-Encoding: gzip', async () => {
      const table = t('gzip');
      await createTable(table);
      const gz = await new Response(
        new Blob([csvRows(2000)]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer();
      const { lines } = await upload(table, 'format=csv', gz, { 'content-encoding': 'gzip' });
      expect(lines.at(-1)).toMatchObject({ type: 'report', rows: 2000, committed: true });
      expect(await count(table)).toBe(2000);
    });

    it('a truncated gzip upload is a 400 that says gzip, and nothing is committed', async () => {
      const table = t('gzip_cut');
      await createTable(table);
      const gz = new Uint8Array(
        await new Response(
          new Blob([csvRows(20_000)]).stream().pipeThrough(new CompressionStream('gzip')),
        ).arrayBuffer(),
      );
      const { lines } = await upload(table, 'format=csv', gz.slice(0, Math.floor(gz.length * 0.8)));
      const last = lines.at(-1);
      expect(last).toMatchObject({ type: 'error', status: 400 });
      expect(last?.error?.message).toMatch(/the gzip stream is truncated/);
      expect(await count(table)).toBe(0);
    });

    it('a bad row rolls the whole load back; the error line names its line', async () => {
      const table = t('bad');
      await createTable(table);
      const body = `${csvRows(1000)}1001,oops,not-a-number\n${csvRows(1000, 1002).split('\n').slice(1).join('\n')}`;
      const { status, lines } = await upload(table, 'format=csv&shards=2&mode=atomic', body);
      expect(status).toBe(200);
      const last = lines.at(-1);
      expect(last?.type).toBe('error');
      expect(last?.error).toMatchObject({ line: 1002, column: 'score' });
      expect(await count(table)).toBe(0);
    });

    it('createTable: a missing schema is a 400 naming it; a failed load leaves no table; blank and repeated names load', async () => {
      const schema = t('nosuch');
      const missing = await upload(`${schema}.t`, 'format=csv&createTable=true', 'a\n1\n');
      expect(missing.status).toBe(400);
      expect((missing.lines[0] as unknown as { error: { message: string } }).error.message).toContain(
        `schema "${schema}" does not exist`,
      );

      const table = t('created');
      await sql([{ sql: `drop table if exists ${table}` }]);
      const rows = Array.from({ length: 1500 }, (_, i) => `${i === 1200 ? 'x' : i},a,b,c`);
      const bad = await upload(
        table,
        'format=csv&createTable=true&shards=2',
        `id,,dup,dup\n${rows.join('\n')}\n`,
      );
      expect(bad.status).toBe(200);
      expect(bad.lines.at(-1)).toMatchObject({
        type: 'error',
        error: { rolledBack: true, createdTable: { dropped: true } },
      });
      const [gone] = await sql([{ sql: 'select to_regclass($1)::text as t', params: [table] }]);
      expect(gone?.rows?.[0]?.['t']).toBeNull();

      const good = `id,,dup,dup\n${rows.join('\n').replace('\nx,', '\n1200,')}\n`;
      const ok = await upload(table, 'format=csv&createTable=true&shards=2', good);
      expect(ok.lines.at(-1)).toMatchObject({ type: 'report', rows: 1500, committed: true });
      const [named] = await sql([
        { sql: `select count(col2)::int as a, count(dup_2)::int as b from ${table}` },
      ]);
      expect(named?.rows?.[0]).toEqual({ a: 1500, b: 1500 });
      await sql([{ sql: `drop table ${table}` }]);
    });

    /** Uploads slowly, aborts mid-way, waits for the load to end, and checks nothing was committed. */
    async function disconnectMidUpload(declareLength: boolean): Promise<void> {
      const table = t(declareLength ? 'disconnect_len' : 'disconnect');
      await createTable(table);
      const encoder = new TextEncoder();
      let i = 0;
      const slow = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (i > 0) await new Promise((r) => setTimeout(r, 50));
          controller.enqueue(encoder.encode(i === 0 ? csvRows(500) : csvRows(100, 1000 + i * 100).slice(14)));
          i++;
        },
      });
      const abort = new AbortController();
      const request = fetch(url(`/v1/tables/${table}/load?format=csv`), {
        method: 'POST',
        // Declared larger than what is sent before the abort; undici then sends no chunked framing.
        headers: declareLength ? { ...auth(), 'content-length': String(10 * 1024 * 1024) } : auth(),
        body: slow,
        signal: abort.signal,
        duplex: 'half',
      } as RequestInit).then(async (res) => {
        await res.text();
      });
      await new Promise((r) => setTimeout(r, 1500));
      expect(i).toBeGreaterThan(5); // the upload was really under way
      abort.abort();
      await expect(request).rejects.toThrow();
      // The load has ended (and rolled back) once no backend of it is left.
      const deadline = Date.now() + 10_000;
      let remaining = -1;
      for (;;) {
        const [r] = await sql([
          {
            // The loader's connections close when the load ends; until then their last query names the table.
            sql: 'select count(*)::int as n from pg_stat_activity where pid <> pg_backend_pid() and query like $1',
            params: [`%${table}%`],
          },
        ]);
        remaining = r?.rows?.[0]?.['n'] as number;
        if (remaining === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Had the server not noticed the disconnect, the load would still be waiting for body bytes.
      expect(remaining, 'the load is still running after the client went away').toBe(0);
      expect(await count(table)).toBe(0);
    }

    it.skipIf(options.chunkedDisconnect === false)(
      'a client that disconnects mid-upload (chunked) commits nothing',
      () => disconnectMidUpload(false),
    );
    it('a client that disconnects mid-upload (with Content-Length) commits nothing', () =>
      disconnectMidUpload(true));

    it('refuses more shards than the cap with 400 before reading anything', async () => {
      const { status, lines } = await upload(t('csv'), 'format=csv&shards=1000', csvRows(1));
      expect(status).toBe(400);
      expect(lines[0]?.error?.message).toMatch(/shards=1000 exceeds .* cap of \d+/);
    });

    it('400 naming a bad query parameter; 400 for a missing table', async () => {
      const bad = await upload(t('csv'), 'format=xml', csvRows(1));
      expect(bad.status).toBe(400);
      expect(bad.lines[0]?.error?.message).toMatch(/format/);
      const missing = await upload(t('nowhere'), 'format=csv', csvRows(1));
      expect(missing.status).toBe(400);
      expect(missing.lines[0]?.error?.message).toMatch(/does not exist/);
    });
  });

  describe('export', () => {
    const table = t('export');
    beforeAll(async () => {
      await createTable(table);
      const { lines } = await upload(table, 'format=csv', csvRows(3000));
      expect(lines.at(-1)).toMatchObject({ type: 'report', rows: 3000 });
    });

    it('CSV in partitions round-trips every row', async () => {
      const res = await fetch(url(`/v1/tables/${table}/export?format=csv&partitions=2&partitionOn=id`), {
        headers: auth(),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const lines = (await res.text()).split('\n').filter((l) => l !== '');
      expect(lines[0]).toBe('id,name,score');
      expect(lines.length).toBe(3001);
      const ids = new Set(lines.slice(1).map((l) => Number(l.split(',')[0])));
      expect(ids.size).toBe(3000);
    });

    it('NDJSON, and the CSV loads back into a copy', async () => {
      const res = await fetch(url(`/v1/tables/${table}/export?format=ndjson`), { headers: auth() });
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      const rows = (await res.text()).split('\n').filter((l) => l !== '');
      expect(rows.length).toBe(3000);
      expect(JSON.parse(rows[0] ?? '{}')).toHaveProperty('name');

      const copy = t('export_copy');
      await createTable(copy);
      const csv = await fetch(url(`/v1/tables/${table}/export?format=csv`), { headers: auth() });
      const { lines } = await upload(copy, 'format=csv', csv.body as ReadableStream<Uint8Array>);
      expect(lines.at(-1)).toMatchObject({ type: 'report', rows: 3000, committed: true });
      expect(await count(copy)).toBe(3000);
    });

    it('refuses partitions over the cap and a missing table', async () => {
      const over = await fetch(url(`/v1/tables/${table}/export?partitions=1000&partitionOn=id`), {
        headers: auth(),
      });
      expect(over.status).toBe(400);
      const missing = await fetch(url(`/v1/tables/${t('none')}/export`), { headers: auth() });
      expect(missing.status).toBeGreaterThanOrEqual(400);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(
        /does not exist/,
      );
    });
  });
}
