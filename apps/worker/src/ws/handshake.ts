/**
 * The WebSocket opening handshake (RFC 6455 §4.2.1), checked before the proxy dials anything: a
 * request the runtime's upgrade would refuse (`Upgrade: h2c`, no or a malformed Sec-WebSocket-Key, a
 * version other than 13, a bad subprotocol list) must never cost a TCP connection to the target, let
 * alone leave one behind when the upgrade then fails. Shared by every runtime's proxy; the checks are
 * those of `ws`'s handleUpgrade and Deno.upgradeWebSocket, whichever is stricter.
 */

export interface HandshakeRefusal {
  status: 400 | 405 | 426;
  message: string;
  /** Response headers the refusal should carry (the supported version, the expected upgrade). */
  headers: Record<string, string>;
}

/** A 16-byte nonce in base64 (RFC 6455 §4.1). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** An RFC 7230 token, what each offered subprotocol must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why the upgrade request cannot become a WebSocket, or undefined if it can. */
export function handshakeRefusal(
  method: string,
  header: (name: string) => string | null | undefined,
): HandshakeRefusal | undefined {
  if (method !== 'GET') {
    return { status: 405, message: 'a WebSocket upgrade must be a GET', headers: { Allow: 'GET' } };
  }
  if (header('upgrade')?.trim().toLowerCase() !== 'websocket') {
    return { status: 426, message: 'expected a WebSocket upgrade', headers: { Upgrade: 'websocket' } };
  }
  const connection = (header('connection') ?? '').split(',').map((t) => t.trim().toLowerCase());
  if (!connection.includes('upgrade')) {
    return { status: 400, message: 'a WebSocket upgrade needs Connection: Upgrade', headers: {} };
  }
  if (!KEY.test(header('sec-websocket-key')?.trim() ?? '')) {
    return { status: 400, message: 'missing or invalid Sec-WebSocket-Key header', headers: {} };
  }
  if (header('sec-websocket-version')?.trim() !== '13') {
    return {
      status: 400,
      message: 'missing or unsupported Sec-WebSocket-Version header (13 is supported)',
      headers: { 'Sec-WebSocket-Version': '13' },
    };
  }
  const protocols = header('sec-websocket-protocol');
  if (protocols !== null && protocols !== undefined && !validProtocolList(protocols)) {
    return { status: 400, message: 'invalid Sec-WebSocket-Protocol header', headers: {} };
  }
  return undefined;
}

/** A comma-separated list of distinct tokens, as `ws` parses it. */
function validProtocolList(value: string): boolean {
  const offered = value.split(',').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''));
  return offered.every((p) => TOKEN.test(p)) && new Set(offered).size === offered.length;
}
