// The same Worker with @neondatabase/serverless (node-postgres over a WebSocket; it has no COPY, so
// connect and query only).
import { Client } from '@neondatabase/serverless';

export default {
  async fetch(request: Request, env: { DATABASE_URL: string }): Promise<Response> {
    if (new URL(request.url).pathname === '/ping') return new Response('ok');
    const client = new Client(env.DATABASE_URL);
    await client.connect();
    try {
      const { rows } = await client.query('select $1::int as n', [1]);
      return Response.json(rows);
    } finally {
      await client.end();
    }
  },
};
