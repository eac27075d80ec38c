/**
 * Helpers for export tests against a real server: collecting a stream, a strict little CSV reader (an
 * oracle independent of the code under test), session counting by application_name, and a connector
 * that counts (and can hold back) the connections an export opens.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import type { Connector } from '../../src/api.ts';

let counter = 0;
/** A name unique to this process and call (tables, application names). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}_${process.pid}_${counter}`;
}

/** `url` with application_name set, so a test can find its sessions in pg_stat_activity. */
export function tagged(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}

export interface CountingConnector {
  connector: Connector;
  /** Connections opened so far (the planner included). */
  readonly opened: number;
}

/**
 * Connects to `url`; `before(n)` runs before the n-th connection (1-based) is opened, so a test can
 * act between planning (connection 1) and the partitions' connections.
 */
export function countingConnector(url: string, before?: (n: number) => Promise<void>): CountingConnector {
  let opened = 0;
  return {
    connector: async () => {
      const n = ++opened;
      await before?.(n);
      return connect(url);
    },
    get opened() {
      return opened;
    },
  };
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return concat(chunks);
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** RFC 4180 as the server writes it; an unquoted empty field is NULL. Throws on anything malformed. */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      value = end === i ? null : text.slice(i, end);
      i = end;
    }
    row.push(value);
    if (text[i] === ',') i++;
    else if (text[i] === '\n') {
      rows.push(row);
      row = [];
      i++;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length > 0) throw new Error('last row has no newline');
  return rows;
}

/** Sessions on the server tagged `applicationName`, other than the asking one. */
export async function sessions(admin: Connection, applicationName: string): Promise<string[]> {
  const { rows } = await admin.query<{ state: string | null }>(
    'select state from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
    [applicationName],
  );
  return rows.map((r) => r.state ?? 'unknown');
}

/** Waits (briefly) for every session tagged `applicationName` to be gone; returns those left. */
export async function sessionsAfterClose(admin: Connection, applicationName: string): Promise<string[]> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const left = await sessions(admin, applicationName);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `count` sessions tagged `applicationName` are running a COPY; returns their wait events. */
export async function waitForCopies(
  admin: Connection,
  applicationName: string,
  count: number,
  until: (waits: string[]) => boolean = () => true,
): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await admin.query<{ wait: string | null }>(
      `select wait_event as wait from pg_stat_activity
       where application_name = $1 and state = 'active' and query ilike 'copy%'`,
      [applicationName],
    );
    const waits = rows.map((r) => r.wait ?? '');
    if ((waits.length === count && until(waits)) || Date.now() > deadline) return waits;
    await sleep(25);
  }
}
