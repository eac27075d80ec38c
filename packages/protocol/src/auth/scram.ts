/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, sans IO: the connection feeds in the
 * server's SASL messages and sends back what this returns. Steps, in order:
 *
 *   const scram = new ScramSha256(password);
 *   send SASLInitialResponse(ScramSha256.mechanism, scram.clientFirstMessage())
 *   on AuthenticationSASLContinue(data): send SASLResponse(await scram.clientFinalMessage(data))
 *   on AuthenticationSASLFinal(data):    scram.verifyServerFinal(data)   // throws AuthError
 *
 * No channel binding (gs2 header `n,,`), so the mechanism is plain SCRAM-SHA-256 even over TLS.
 * The user name in the SCRAM message is `*`: PostgreSQL ignores it and uses the startup message's.
 */
import { AuthError } from '../errors.ts';
import { base64Decode, base64Encode } from './base64.ts';
import { saslprepPassword } from './saslprep.ts';

const encoder = new TextEncoder();

/** gs2 header: no channel binding, no authzid. Its base64 is the `c=` attribute of client-final. */
const GS2_HEADER = 'n,,';

/** Nonce entropy: 18 bytes is 144 bits and base64-encodes without padding (24 characters). */
const NONCE_BYTES = 18;

/**
 * Upper bound on the server's iteration count. PostgreSQL defaults to 4096 and allows up to
 * INT_MAX via `scram_iterations`; a hostile server could ask for billions to burn our CPU, so we
 * refuse anything beyond ten million (a few seconds of PBKDF2).
 */
export const MAX_SCRAM_ITERATIONS = 10_000_000;

type State =
  | { step: 'initial' }
  | { step: 'first-sent' }
  | { step: 'final-sent'; serverSignature: Uint8Array }
  | { step: 'done' }
  | { step: 'failed' };

export class ScramSha256 {
  /** The SASL mechanism name to put in SASLInitialResponse. */
  static readonly mechanism = 'SCRAM-SHA-256';

  readonly #password: string;
  readonly #clientNonce: string;
  readonly #clientFirstBare: string;
  #state: State = { step: 'initial' };

  /**
   * @param password the password as the user typed it; SASLprep is applied here (see saslprep.ts).
   * @param nonce the client nonce, for tests only: printable ASCII without commas. Defaults to 18
   *   random bytes from crypto.getRandomValues, base64-encoded.
   * @param username the SCRAM user name; PostgreSQL ignores it (it uses the startup message's), so
   *   the default `*` suits it; other values exist to reproduce published test vectors.
   */
  constructor(password: string, nonce?: string, username = '*') {
    if (nonce !== undefined && !/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) {
      throw new AuthError('SCRAM client nonce must be printable ASCII without commas');
    }
    this.#password = saslprepPassword(password);
    this.#clientNonce = nonce ?? base64Encode(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
    this.#clientFirstBare = `n=${escapeSaslName(username)},r=${this.#clientNonce}`;
  }

  /** The client-first-message: the SASLInitialResponse payload (as UTF-8). */
  clientFirstMessage(): string {
    if (this.#state.step !== 'initial') throw outOfOrder('clientFirstMessage', this.#state.step);
    this.#state = { step: 'first-sent' };
    return GS2_HEADER + this.#clientFirstBare;
  }

  /**
   * Takes the server-first-message (the AuthenticationSASLContinue payload, decoded as UTF-8) and
   * returns the client-final-message to send as SASLResponse. Throws AuthError when the server's
   * nonce does not extend ours, the salt is not base64, or the iteration count is not in
   * 1..MAX_SCRAM_ITERATIONS.
   */
  async clientFinalMessage(serverFirst: string): Promise<string> {
    if (this.#state.step !== 'first-sent') throw outOfOrder('clientFinalMessage', this.#state.step);
    const { nonce, salt, iterations } = parseServerFirst(serverFirst, this.#clientNonce);

    const clientFinalWithoutProof = `c=${base64Encode(encoder.encode(GS2_HEADER))},r=${nonce}`;
    const authMessage = encoder.encode(`${this.#clientFirstBare},${serverFirst},${clientFinalWithoutProof}`);

    const saltedPassword = await pbkdf2Sha256(encoder.encode(this.#password), salt, iterations);
    const clientKey = await hmacSha256(saltedPassword, encoder.encode('Client Key'));
    const storedKey = new Uint8Array(await crypto.subtle.digest('SHA-256', clientKey));
    const clientSignature = await hmacSha256(storedKey, authMessage);
    const proof = new Uint8Array(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;

    const serverKey = await hmacSha256(saltedPassword, encoder.encode('Server Key'));
    const serverSignature = await hmacSha256(serverKey, authMessage);
    this.#state = { step: 'final-sent', serverSignature };
    return `${clientFinalWithoutProof},p=${base64Encode(proof)}`;
  }

  /**
   * Checks the server-final-message (the AuthenticationSASLFinal payload). Throws AuthError if the
   * server reports an error (`e=…`) or its signature is not the one the password implies, which
   * means the server does not know the password: we must not trust it even if it goes on to send
   * AuthenticationOk.
   */
  verifyServerFinal(serverFinal: string): void {
    const state = this.#state;
    if (state.step !== 'final-sent') throw outOfOrder('verifyServerFinal', state.step);
    this.#state = { step: 'failed' };
    if (serverFinal.startsWith('e=')) {
      throw new AuthError(`SCRAM authentication failed: server reported "${attributeValue(serverFinal)}"`);
    }
    if (!serverFinal.startsWith('v=')) {
      throw new AuthError('SCRAM server-final-message has neither a verifier (v=) nor an error (e=)');
    }
    const signature = base64Decode(attributeValue(serverFinal), 'SCRAM server signature');
    if (!constantTimeEqual(signature, state.serverSignature)) {
      throw new AuthError(
        'SCRAM server signature mismatch: the server could not prove it knows the password',
      );
    }
    this.#state = { step: 'done' };
  }

  /**
   * True once verifyServerFinal() has accepted the server's signature. A server that sends
   * AuthenticationOk while this is false skipped its proof; the connection must refuse it.
   */
  get completed(): boolean {
    return this.#state.step === 'done';
  }
}

interface ServerFirst {
  nonce: string;
  salt: Bytes;
  iterations: number;
}

/** Parses `r=<nonce>,s=<salt>,i=<count>[,extensions]` (RFC 5802 §7), rejecting mandatory extensions. */
function parseServerFirst(message: string, clientNonce: string): ServerFirst {
  const parts = message.split(',');
  if (parts[0]?.startsWith('m=')) {
    throw new AuthError('SCRAM server-first-message requires an extension (m=) we do not support');
  }
  const [r, s, i] = parts;
  if (!r?.startsWith('r=') || !s?.startsWith('s=') || !i?.startsWith('i=')) {
    throw new AuthError('SCRAM server-first-message is malformed: expected r=, s= and i= attributes');
  }
  const nonce = r.slice(2);
  if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    throw new AuthError('SCRAM server nonce does not extend the client nonce');
  }
  if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) {
    throw new AuthError('SCRAM server nonce contains characters outside printable ASCII');
  }
  const salt = base64Decode(s.slice(2), 'SCRAM salt');
  if (salt.length === 0) throw new AuthError('SCRAM salt is empty');
  const count = i.slice(2);
  if (!/^[1-9][0-9]{0,9}$/.test(count) || Number(count) > MAX_SCRAM_ITERATIONS) {
    throw new AuthError(
      `SCRAM iteration count "${count.slice(0, 20)}" is not between 1 and ${MAX_SCRAM_ITERATIONS}`,
    );
  }
  return { nonce, salt, iterations: Number(count) };
}

/** Byte arrays WebCrypto accepts: TS 5.9's BufferSource excludes SharedArrayBuffer-backed views. */
type Bytes = Uint8Array<ArrayBuffer>;

/** Hi() of RFC 5802: one PBKDF2 call, so the iterations run natively rather than in a JS loop. */
async function pbkdf2Sha256(password: Bytes, salt: Bytes, iterations: number): Promise<Bytes> {
  const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

async function hmacSha256(keyBytes: Bytes, data: Bytes): Promise<Bytes> {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
}

/** Compares without an early exit so timing does not reveal how many leading bytes matched. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The value of the first attribute, e.g. `v=abc,x=y` → `abc`. */
function attributeValue(message: string): string {
  const end = message.indexOf(',');
  return message.slice(2, end === -1 ? undefined : end);
}

/** RFC 5802 §5.1: `=` and `,` in a user name are written `=3D` and `=2C`. */
function escapeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

function outOfOrder(call: string, step: State['step']): AuthError {
  return new AuthError(`SCRAM step out of order: ${call}() called in state "${step}"`);
}
