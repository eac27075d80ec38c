/**
 * The server as the oracle for the converters: for a type and a list of texts, what its input
 * function makes of each (called with the type's I/O parameter and typmod -1, as COPY would) in its
 * send format, or the error it raises. One plpgsql function per session does the loop, catching each
 * value's error, so a whole corpus costs one round trip.
 */
import { connect } from '@haul/protocol/node';
import type { FromText as FieldConverter } from '../../../../src/types/from-text.ts';
import { convert, isNotConverted, type Outcome, toHex } from './convert.ts';

type Connection = Awaited<ReturnType<typeof connect>>;

const ORACLE_FUNCTION = `
create or replace function pg_temp.haul_oracle(vals text[], typ regtype)
returns table (ok boolean, b bytea, err text) language plpgsql as $$
declare
  send_fn regproc;
  in_fn regproc;
  io_param oid;
  nargs int;
  call text;
begin
  select t.typsend, t.typinput, coalesce(nullif(t.typelem, 0), t.oid), p.pronargs
    into send_fn, in_fn, io_param, nargs
    from pg_type t join pg_proc p on p.oid = t.typinput where t.oid = typ;
  call := case when nargs = 1 then format('select %s(%s($1::cstring))', send_fn, in_fn)
               else format('select %s(%s($1::cstring, %s::oid, -1))', send_fn, in_fn, io_param) end;
  for i in 1 .. coalesce(array_length(vals, 1), 0) loop
    begin
      execute call into b using vals[i];
      ok := true;
      err := null;
    exception when others then
      ok := false;
      b := null;
      err := sqlerrm;
    end;
    return next;
  end loop;
end $$`;

export class ServerOracle {
  private constructor(
    private readonly db: Connection,
    /** server_version_num. */
    readonly version: number,
  ) {}

  static async open(url: string): Promise<ServerOracle> {
    const db = await connect(url);
    await db.exec(ORACLE_FUNCTION);
    const { rows } = await db.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    return new ServerOracle(db, Number(rows[0]!.v));
  }

  async setTimeZone(zone: string): Promise<void> {
    await this.db.query(`select set_config('TimeZone', $1, false)`, [zone]);
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  /** What the server's input function makes of each text, in the type's send format. */
  async outcomes(type: string, values: readonly string[]): Promise<Outcome[]> {
    const { rows } = await this.db.query<{ ok: boolean; b: Uint8Array | null; err: string | null }>(
      'select * from pg_temp.haul_oracle($1::text[], $2::regtype)',
      [values, type],
    );
    return rows.map((row) => (row.ok ? { ok: true, hex: toHex(row.b!) } : { ok: false, message: row.err! }));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** The server's message with long quoted values cut as the converter cuts them (input-errors.ts). */
function cutQuotes(message: string): string {
  return message.replace(/"([^"]*)"/g, (whole, inner: string) =>
    inner.length > 120 ? `"${inner.slice(0, 120)}…"` : whole,
  );
}

/**
 * numeric_recv ignores the display scale of NaN and ±Infinity, and servers differ in what numeric_send
 * writes there (PostgreSQL 18 writes 32): compare those values without it.
 */
function sameValue(type: string, server: string, converter: string): boolean {
  if (server === converter) return true;
  if (!type.startsWith('numeric')) return false;
  const special = /(00000000(?:c000|d000|f000))[0-9a-f]{4}/g;
  return server.replace(special, '$10000') === converter.replace(special, '$10000');
}

export interface Comparison {
  /** Values where the converter disagrees with the server: wrong bytes, accepted or refused wrongly. */
  wrong: string[];
  /** Values both refused, with different messages (converter, server). */
  messages: string[];
  /** Values the converter refused as not converted although the server accepts them. */
  notConverted: string[];
  /** Values compared. */
  count: number;
}

/** Compares the converter with the server over `values`. */
export async function compare(
  oracle: ServerOracle,
  type: string,
  converter: FieldConverter,
  values: readonly string[],
  /** The converter copies the text and the server's receive function checks it (json). */
  passThrough = false,
): Promise<Comparison> {
  const server = await oracle.outcomes(type, values);
  const result: Comparison = { wrong: [], messages: [], notConverted: [], count: values.length };
  values.forEach((value, index) => {
    const expected = server[index]!;
    const actual = convert(converter, value);
    const shown = JSON.stringify(value);
    if (expected.ok && actual.ok) {
      if (!sameValue(type, expected.hex, actual.hex))
        result.wrong.push(`${shown}: server ${expected.hex}, converter ${actual.hex}`);
    } else if (isNotConverted(actual)) {
      if (expected.ok) result.notConverted.push(shown);
    } else if (expected.ok) {
      result.wrong.push(
        `${shown}: server ${expected.hex}, converter refused: ${actual.ok ? '' : actual.message}`,
      );
    } else if (actual.ok) {
      if (!passThrough)
        result.wrong.push(`${shown}: server refused (${expected.message}), converter ${actual.hex}`);
    } else if (cutQuotes(expected.message) !== actual.message) {
      result.messages.push(`${shown}: server "${expected.message}", converter "${actual.message}"`);
    }
  });
  return result;
}
