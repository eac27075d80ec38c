// What a browser page pulls in to connect, query and COPY in with Haul (through /v1/ws).
import { connect } from '@haul/protocol/websocket';

export async function run(url: string, proxy: string, token: string): Promise<unknown[]> {
  const db = await connect(url, { url: proxy, protocols: `haul.token.${token}` });
  try {
    const { rows } = await db.query('select $1::int as n', [1]);
    await db.copyIn('copy t from stdin', [new TextEncoder().encode('1\n')]);
    return rows;
  } finally {
    await db.close();
  }
}
