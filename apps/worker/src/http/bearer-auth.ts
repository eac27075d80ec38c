/**
 * Bearer auth for /v1/*: `Authorization: Bearer <token>`, the scheme in any letter case and one or
 * more spaces before the token (RFC 7235), the token compared in constant time. Every refusal is a
 * 401 with `WWW-Authenticate: Bearer …` and a JSON error naming what was wrong: no header, another
 * scheme (`Basic …`), no token or more than one, or the wrong token. (hono/bearer-auth answers a
 * malformed header with 400, where a client expects 401 to mean "fix your credentials".)
 */
import type { Context, MiddlewareHandler } from 'hono';
import { timingSafeEqualString } from '../ws/admission.ts';

/** `scheme [1*SP rest]`, the scheme an RFC 7230 token. */
const CREDENTIALS = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?: +(.*))?$/s;
/** RFC 6750's b64token: what a bearer token may be. */
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

interface Refusal {
  message: string;
  /** RFC 6750's error code for WWW-Authenticate; none when no credentials were sent. */
  code?: 'invalid_request' | 'invalid_token';
}

export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    const refusal = refuse(c.req.header('authorization'), token);
    if (refusal) return unauthorized(c, refusal);
    await next();
  };
}

function refuse(header: string | undefined, token: string): Refusal | undefined {
  if (header === undefined || header.trim() === '') {
    return { message: 'missing Authorization: Bearer <token> header' };
  }
  const match = CREDENTIALS.exec(header.trim());
  const scheme = match?.[1];
  if (!match || !scheme) {
    return { message: 'malformed Authorization header; expected Bearer <token>', code: 'invalid_request' };
  }
  if (scheme.toLowerCase() !== 'bearer') {
    return {
      message: `the Authorization header uses the ${scheme} scheme; expected Bearer <token>`,
      code: 'invalid_request',
    };
  }
  const given = match[2] ?? '';
  if (!B64TOKEN.test(given)) {
    const what = given === '' ? 'no token' : 'a malformed token';
    return {
      message: `the Authorization header has ${what} after Bearer; expected Bearer <token>`,
      code: 'invalid_request',
    };
  }
  if (!timingSafeEqualString(given, token)) return { message: 'invalid token', code: 'invalid_token' };
  return undefined;
}

function unauthorized(c: Context, refusal: Refusal): Response {
  const challenge = refusal.code ? `Bearer realm="haul", error="${refusal.code}"` : 'Bearer realm="haul"';
  return c.json({ error: { message: refusal.message } }, 401, { 'WWW-Authenticate': challenge });
}
