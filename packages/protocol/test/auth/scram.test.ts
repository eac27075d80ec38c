import { describe, expect, it } from 'vitest';
import { MAX_SCRAM_ITERATIONS, ScramSha256 } from '../../src/auth/scram.ts';
import { AuthError } from '../../src/errors.ts';

// RFC 7677 §3 example exchange (user "user", password "pencil"). The proof signs the client-first
// message, which names the user, so these use the optional `username` argument; with PostgreSQL we
// send `n=*`, the name being ignored there.
const rfc = {
  password: 'pencil',
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

/** Runs the first two steps, returning the client-final-message. */
async function exchange(scram: ScramSha256, serverFirst: string): Promise<string> {
  scram.clientFirstMessage();
  return scram.clientFinalMessage(serverFirst);
}

describe('ScramSha256', () => {
  it('sends the gs2 header, an anonymous user name and our nonce', () => {
    expect(new ScramSha256('pencil', rfc.clientNonce).clientFirstMessage()).toBe(
      'n,,n=*,r=rOprNGfwEbeRWgbNEkqO',
    );
  });

  it('generates a 24-character base64 nonce from 18 random bytes', () => {
    const first = new ScramSha256('pencil').clientFirstMessage();
    expect(first).toMatch(/^n,,n=\*,r=[A-Za-z0-9+/]{24}$/);
    expect(new ScramSha256('pencil').clientFirstMessage()).not.toBe(first);
  });

  it('reproduces the RFC 7677 exchange', async () => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce, 'user');
    expect(await exchange(scram, rfc.serverFirst)).toBe(rfc.clientFinal);
    expect(scram.completed).toBe(false);
    expect(() => scram.verifyServerFinal(rfc.serverFinal)).not.toThrow();
    expect(scram.completed).toBe(true);
  });

  it('rejects a wrong server signature', async () => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce, 'user');
    await exchange(scram, rfc.serverFirst);
    const forged = 'v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';
    expect(() => scram.verifyServerFinal(forged)).toThrow(/signature mismatch/);
    expect(scram.completed).toBe(false);
    expect(() => scram.verifyServerFinal(rfc.serverFinal)).toThrow(/out of order/);
  });

  it('rejects a server signature signed for a different password', async () => {
    const scram = new ScramSha256('pencil2', rfc.clientNonce, 'user');
    await exchange(scram, rfc.serverFirst);
    expect(() => scram.verifyServerFinal(rfc.serverFinal)).toThrow(AuthError);
  });

  it('reports a server error attribute', async () => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce);
    await exchange(scram, rfc.serverFirst);
    expect(() => scram.verifyServerFinal('e=invalid-proof')).toThrow(/server reported "invalid-proof"/);
  });

  it.each([
    ['a nonce that does not extend ours', 'r=XOprNGfwEbeRWgbNEkqO%hvYD,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'],
    ['a nonce equal to ours', 'r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'],
    ['a missing salt', 'r=rOprNGfwEbeRWgbNEkqO%hv,i=4096'],
    ['a salt that is not base64', 'r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0S!Y7s,i=4096'],
    ['an empty salt', 'r=rOprNGfwEbeRWgbNEkqO%hv,s=,i=4096'],
    ['zero iterations', 'r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0'],
    ['a non-numeric iteration count', 'r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k'],
    [
      'too many iterations',
      `r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=${MAX_SCRAM_ITERATIONS + 1}`,
    ],
    ['a mandatory extension', 'm=ext,r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'],
  ])('rejects a server-first with %s', async (_, serverFirst) => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce);
    await expect(exchange(scram, serverFirst)).rejects.toThrow(AuthError);
  });

  it('accepts extra extension attributes after the iteration count', async () => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce, 'user');
    const final = await exchange(scram, `${rfc.serverFirst},x=future`);
    expect(final).toMatch(/^c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj\)hNlF\$k0,p=/);
  });

  it('refuses steps out of order', async () => {
    const scram = new ScramSha256(rfc.password, rfc.clientNonce);
    await expect(scram.clientFinalMessage(rfc.serverFirst)).rejects.toThrow(/out of order/);
    expect(() => scram.verifyServerFinal(rfc.serverFinal)).toThrow(/out of order/);
    scram.clientFirstMessage();
    expect(() => scram.clientFirstMessage()).toThrow(/out of order/);
  });

  it('rejects a nonce containing a comma', () => {
    expect(() => new ScramSha256('pencil', 'a,b')).toThrow(AuthError);
  });

  it('applies SASLprep: a ligature and its NFKC form derive the same proof', async () => {
    const ligature = await exchange(new ScramSha256('\ufb01sh', 'nonce'), 'r=nonceXY,s=AAAA,i=1');
    const plain = await exchange(new ScramSha256('fish', 'nonce'), 'r=nonceXY,s=AAAA,i=1');
    expect(ligature).toBe(plain);
  });
});
