/**
 * Admission for GET /v1/ws, shared by every runtime's proxy: the token (a `token` query parameter or a
 * `haul.token.<token>` WebSocket subprotocol, since a browser's WebSocket cannot send headers), then the
 * `address=host:port` target against the allow-list. Everything here runs before any upgrade and before
 * any TCP connect.
 */
import type { WorkerConfig } from '../app-contract.ts';

/** The subprotocol prefix carrying the token; the whole offered subprotocol is echoed back. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'haul.token.';

const encoder = new TextEncoder();

/** Compares two strings in time that depends only on the expected string's length. */
export function timingSafeEqualString(actual: string, expected: string): boolean {
  const a = encoder.encode(actual);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ b[i]!;
  return diff === 0;
}

/** Parses `host:port` (IPv6 hosts in brackets); undefined if malformed. */
export function parseAddress(value: string | null | undefined): { host: string; port: number } | undefined {
  const match = value?.match(/^(?:\[([^\]]+)\]|([^:/?#\s[\]]+)):(\d{1,5})$/);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

/** `host:port` as it appears in an allow-list (IPv6 hosts bracketed). */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Splits a `Sec-WebSocket-Protocol` request header into the offered subprotocols. */
export function offeredProtocols(header: string | null | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

export type WsAdmission =
  | {
      ok: true;
      host: string;
      port: number /** The subprotocol to echo back, if the token came in one. */;
      protocol?: string;
    }
  | { ok: false; status: 400 | 401 | 403; message: string };

/**
 * Decides whether a WebSocket proxy request may go ahead: 401 for a missing or wrong token, 400 for a
 * missing or malformed address, 403 for an address not on `config.allowedHosts` (exact host:port).
 */
export function admitWsRequest(
  url: URL,
  protocolHeader: string | null | undefined,
  config: Pick<WorkerConfig, 'token' | 'allowedHosts'>,
): WsAdmission {
  const offered = offeredProtocols(protocolHeader).find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  const token = url.searchParams.get('token') ?? offered?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (token === undefined || token === null || token === '') {
    return {
      ok: false,
      status: 401,
      message: `missing token: pass ?token=… or the subprotocol ${TOKEN_SUBPROTOCOL_PREFIX}<token>`,
    };
  }
  if (!config.token || !timingSafeEqualString(token, config.token)) {
    return { ok: false, status: 401, message: 'invalid token' };
  }
  const target = parseAddress(url.searchParams.get('address'));
  if (!target) return { ok: false, status: 400, message: 'expected ?address=host:port' };
  const address = formatAddress(target.host, target.port);
  if (!config.allowedHosts.includes(address)) {
    return { ok: false, status: 403, message: `address ${address} is not on the allow-list` };
  }
  return offered === undefined ? { ok: true, ...target } : { ok: true, ...target, protocol: offered };
}
