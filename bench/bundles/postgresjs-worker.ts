// The same Worker with postgres.js (its Cloudflare build, chosen by the `workerd` condition).
import postgres from 'postgres';

export default {
  async fetch(request: Request, env: { DATABASE_URL: string }): Promise<Response> {
    if (new URL(request.url).pathname === '/ping') return new Response('ok');
    const sql = postgres(env.DATABASE_URL, { max: 1 });
    try {
      const rows = await sql`select ${1}::int as n`;
      const copy = await sql`copy t from stdin`.writable();
      await new Promise<void>((resolve, reject) => copy.end('1\n', () => resolve()).on('error', reject));
      return Response.json(rows);
    } finally {
      await sql.end();
    }
  },
};
