// What a Worker pulls in to connect, query and COPY in with Haul (cloudflare:sockets).
import { connect } from '@haul/protocol/cloudflare';

export default {
  async fetch(request: Request, env: { DATABASE_URL: string }): Promise<Response> {
    if (new URL(request.url).pathname === '/ping') return new Response('ok');
    const db = await connect(env.DATABASE_URL);
    try {
      const { rows } = await db.query('select $1::int as n', [1]);
      await db.copyIn('copy t from stdin', [new TextEncoder().encode('1\n')]);
      return Response.json(rows);
    } finally {
      await db.close();
    }
  },
};
