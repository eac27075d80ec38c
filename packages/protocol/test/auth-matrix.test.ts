/**
 * Every authentication method against a real PostgreSQL 18 (tools/auth-matrix-server.ts): trust,
 * cleartext password, md5 and SCRAM-SHA-256, each with the right password and a wrong one.
 * A SCRAM server whose signature does not match is covered by src/auth/scram.test.ts, since a real
 * server cannot be made to send one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH_MATRIX_USERS,
  type AuthMatrixServer,
  startAuthMatrixServer,
} from '../../../tools/auth-matrix-server.ts';
import { connect } from '../src/adapters/node.ts';
import { PostgresError } from '../src/errors.ts';

let server: AuthMatrixServer;

beforeAll(async () => {
  server = await startAuthMatrixServer();
});

afterAll(async () => {
  await server?.stop();
});

const users = Object.entries(AUTH_MATRIX_USERS).map(([name, user]) => ({ name, ...user }));

/** Connects, returns `current_user`, and always closes. */
async function currentUser(url: string): Promise<unknown> {
  const db = await connect(url);
  try {
    const result = await db.query('select current_user');
    return result.rows[0]?.['current_user'];
  } finally {
    await db.close();
  }
}

describe('authentication matrix (PostgreSQL 18)', () => {
  it.each(users)('$name logs in with $method', async ({ name }) => {
    expect(await currentUser(server.url(name))).toBe(name);
  });

  it.each(users.filter((user) => user.method !== 'trust'))(
    '$name with a wrong password is rejected with 28P01',
    async ({ name }) => {
      const error = await currentUser(server.url(name, 'wrong-password')).then(
        () => expect.unreachable('a wrong password must not log in'),
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(PostgresError);
      expect(error).toMatchObject({ code: '28P01', severity: 'FATAL' });
      expect((error as PostgresError).message).toBe(
        `FATAL: password authentication failed for user "${name}" (SQLSTATE 28P01)`,
      );
    },
  );

  it('trust ignores whatever password is given', async () => {
    expect(await currentUser(server.url('trust_user', 'anything'))).toBe('trust_user');
  });

  it('SCRAM applies SASLprep as the server did: the NFKC form of the password works too', async () => {
    // The role's password is "\u2168-p\u00e4ss"; the server stored the secret of its SASLprep form.
    expect(await currentUser(server.url('scram_saslprep_user', 'IX-p\u00e4ss'))).toBe('scram_saslprep_user');
  });
});
