/**
 * A TCP proxy in front of PostgreSQL that rewrites the CONTEXT field (W) of every ErrorResponse the
 * server sends, as a server with another lc_messages would word it: `german` translates COPY's
 * context as PostgreSQL's de.po does ("COPY t, Zeile 3, Spalte b: »x«"), `drop` removes the field.
 * Everything else passes through untouched. Connect with sslmode=disable: the proxy reads the
 * server's bytes as messages from the first byte on.
 */
import net from 'node:net';

export type ContextRewrite = (where: string) => string | undefined;

/** COPY's context lines in German, as de.po translates CopyFromErrorCallback's strings. */
export const german: ContextRewrite = (where) =>
  where.replace(
    /^COPY (.+?), line (\d+)(?:, column (.+?))?(?:: "(.*)"|: (null input))?$/gms,
    (_all, relation: string, line: string, column?: string, value?: string, nullInput?: string) =>
      `COPY ${relation}, Zeile ${line}${column === undefined ? '' : `, Spalte ${column}`}` +
      (value !== undefined ? `: »${value}«` : nullInput !== undefined ? ': NULL-Eingabe' : ''),
  );

export const drop: ContextRewrite = () => undefined;

export interface TranslatingProxy {
  /** `postgres://…` pointing at the proxy, with sslmode=disable. */
  url: string;
  /** ErrorResponses whose CONTEXT was rewritten so far. */
  readonly rewritten: number;
  close(): Promise<void>;
}

const ERROR_RESPONSE = 0x45; // 'E'
const CONTEXT_FIELD = 0x57; // 'W'

export async function translatingProxy(target: string, rewrite: ContextRewrite): Promise<TranslatingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let rewritten = 0;

  /** An ErrorResponse body with its CONTEXT rewritten; the same bytes when it has none. */
  function rewriteError(body: Buffer): Buffer {
    const fields: [number, string][] = [];
    let at = 0;
    while (at < body.length && body[at] !== 0) {
      const end = body.indexOf(0, at + 1);
      fields.push([body[at]!, body.toString('utf8', at + 1, end)]);
      at = end + 1;
    }
    if (!fields.some(([code]) => code === CONTEXT_FIELD)) return body;
    rewritten++;
    const parts: Buffer[] = [];
    for (const [code, value] of fields) {
      const text = code === CONTEXT_FIELD ? rewrite(value) : value;
      if (text === undefined) continue;
      parts.push(Buffer.from([code]), Buffer.from(text, 'utf8'), Buffer.from([0]));
    }
    parts.push(Buffer.from([0]));
    return Buffer.concat(parts);
  }

  const server = net.createServer((client) => {
    const backend = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(backend);
    const end = () => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    for (const socket of [client, backend]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.on('data', (bytes) => backend.write(bytes));
    let pending = Buffer.alloc(0);
    backend.on('data', (bytes) => {
      pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      const out: Buffer[] = [];
      let at = 0;
      while (pending.length - at >= 5) {
        const length = pending.readInt32BE(at + 1);
        if (pending.length - at < 1 + length) break;
        const type = pending[at]!;
        if (type === ERROR_RESPONSE) {
          const body = rewriteError(pending.subarray(at + 5, at + 1 + length));
          const header = Buffer.alloc(5);
          header[0] = type;
          header.writeInt32BE(body.length + 4, 1);
          out.push(header, body);
        } else {
          out.push(pending.subarray(at, at + 1 + length));
        }
        at += 1 + length;
      }
      pending = pending.subarray(at);
      if (out.length > 0) client.write(Buffer.concat(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  url.searchParams.set('sslmode', 'disable');
  return {
    url: url.toString(),
    get rewritten() {
      return rewritten;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
