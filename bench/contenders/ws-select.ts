/**
 * W2's contenders: `select $1::int` × N, all issued before any is awaited, over one connection each:
 * Haul over TCP (the reference), Haul over the worker's `/v1/ws` WebSocket→TCP proxy (Node, and
 * workerd when it runs), and `@neondatabase/serverless` through the same Node proxy. Each run checks
 * that the echoed values sum to 0 + 1 + … + (N − 1), so no lost or repeated answer goes unnoticed.
 */

import { connect as connectTcp } from '@haul/protocol/node';
import { connect as connectWs } from '@haul/protocol/websocket';
import { Client, neonConfig } from '@neondatabase/serverless';
import { WebSocket } from 'ws';
import { timed } from '../lib/clock.ts';
import { SELECT_COLUMN, SELECT_SQL } from '../lib/workloads.ts';
import type { Contender, Session } from './types.ts';

export const HAUL_TCP = 'Haul, TCP';
export const HAUL_WS_NODE = 'Haul, /v1/ws on Node';
export const HAUL_WS_WORKERD = 'Haul, /v1/ws on workerd';
/** workerd through Miniflare: the same isolate without wrangler dev's proxy worker in front. */
export const HAUL_WS_BARE_WORKERD = 'Haul, /v1/ws on workerd (no wrangler proxy)';
export const NEON_WS_NODE = '@neondatabase/serverless, /v1/ws on Node';

/** The worker's proxy: its base URL (`http://…`) and the token it wants. */
export interface Proxy {
  baseUrl: string;
  token: string;
}

/** Throws unless the `count` answers are exactly the values 0 … count − 1 (their sum, and the count). */
export function checkSelectSum(count: number, values: readonly unknown[]): void {
  if (values.length !== count) throw new Error(`expected ${count} results, got ${values.length}`);
  let sum = 0;
  for (const value of values) sum += Number(value);
  const expected = (count * (count - 1)) / 2;
  if (sum !== expected) throw new Error(`the selected values sum to ${sum}, expected ${expected}`);
}

/** The proxy carries plain protocol bytes; TLS would be the WebSocket's (wss://), so none here. */
function withoutTls(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}

function wsBase(proxy: Proxy): string {
  return `${proxy.baseUrl.replace(/^http/, 'ws')}/v1/ws`;
}

type Db = Awaited<ReturnType<typeof connectTcp>>;
type QueryResult = Awaited<ReturnType<Db['query']>>;

function haulSession(db: Db): Session {
  return {
    async run(count) {
      let results: QueryResult[] = [];
      const ms = await timed(async () => {
        const pending = new Array<Promise<QueryResult>>(count);
        for (let i = 0; i < count; i++) pending[i] = db.query(SELECT_SQL, [i]);
        results = await Promise.all(pending);
      });
      checkSelectSum(
        count,
        results.map((result) => (result.rows[0] as Record<string, unknown> | undefined)?.[SELECT_COLUMN]),
      );
      return ms;
    },
    close: () => db.close(),
  };
}

async function ready(db: Db): Promise<Db> {
  await db.query('select 1'); // the session is up before any timed run
  return db;
}

export const haulTcp: Contender = {
  name: HAUL_TCP,
  workload: 'worker-select',
  open: async (url) => haulSession(await ready(await connectTcp(url))),
};

/** Haul's WebSocket adapter with the `ws` package, the token in a subprotocol as a browser sends it. */
export function haulWs(name: string, proxy: Proxy): Contender {
  return {
    name,
    workload: 'worker-select',
    open: async (url) => {
      const db = await connectWs(withoutTls(url), {
        url: wsBase(proxy),
        WebSocket,
        protocols: [`haul.token.${proxy.token}`],
      });
      return haulSession(await ready(db));
    },
  };
}

/**
 * @neondatabase/serverless's pg-compatible Client through the same proxy. neonConfig is global; only
 * this contender uses it. The token goes as a query parameter (its wsProxy builds the whole URL).
 */
export function neonWs(proxy: Proxy): Contender {
  return {
    name: NEON_WS_NODE,
    workload: 'worker-select',
    async open(url) {
      neonConfig.webSocketConstructor = WebSocket;
      neonConfig.useSecureWebSocket = false;
      neonConfig.pipelineConnect = false;
      neonConfig.pipelineTLS = false;
      const base = wsBase(proxy).slice('ws://'.length);
      neonConfig.wsProxy = (host, port) => `${base}?token=${proxy.token}&address=${host}:${port}`;
      const client = new Client(url);
      await client.connect();
      await client.query('select 1');
      return {
        async run(count) {
          let values: unknown[] = [];
          const ms = await timed(async () => {
            const pending = new Array<Promise<{ rows: Record<string, unknown>[] }>>(count);
            for (let i = 0; i < count; i++) pending[i] = client.query(SELECT_SQL, [i]);
            values = (await Promise.all(pending)).map((result) => result.rows[0]?.[SELECT_COLUMN]);
          });
          checkSelectSum(count, values);
          return ms;
        },
        close: () => client.end(),
      };
    },
  };
}
