/**
 * An embedded PostgreSQL 18 with one role per authentication method, for the auth-matrix test.
 * pg_hba.conf pins each role to its method on 127.0.0.1, and each password is stored in the form the
 * method needs (MD5 for md5_user, SCRAM-SHA-256 for the scram roles). Node-only.
 */
import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface AuthMatrixUser {
  /** The pg_hba.conf method this role must use. */
  method: 'trust' | 'password' | 'md5' | 'scram-sha-256';
  /** The role's password, or undefined for the trust role (which has none). */
  password: string | undefined;
}

export const AUTH_MATRIX_USERS = {
  trust_user: { method: 'trust', password: undefined },
  pw_user: { method: 'password', password: 'pw-secret' },
  md5_user: { method: 'md5', password: 'md5-secret' },
  scram_user: { method: 'scram-sha-256', password: 'scram-secret' },
  // SASLprep changes this password (U+2168 ROMAN NUMERAL NINE becomes "IX" under NFKC), so logging in
  // proves the client normalises it exactly as the server did when it stored the secret.
  scram_saslprep_user: { method: 'scram-sha-256', password: '\u2168-p\u00e4ss' },
} as const satisfies Record<string, AuthMatrixUser>;

export type AuthMatrixUserName = keyof typeof AUTH_MATRIX_USERS;

export interface AuthMatrixServer {
  /**
   * A connection URL to database `postgres` as `user`. `password` defaults to the role's own; pass one
   * to try a wrong password. User and password are percent-encoded.
   */
  url(user: string, password?: string): string;
  stop(): Promise<void>;
}

export async function startAuthMatrixServer(): Promise<AuthMatrixServer> {
  const hba = [
    '# Written by tools/auth-matrix-server.ts: one authentication method per role.',
    'local all postgres trust',
    'host all postgres 127.0.0.1/32 trust',
    ...Object.entries(AUTH_MATRIX_USERS).map(
      ([name, user]) => `host all ${name} 127.0.0.1/32 ${user.method}`,
    ),
    '',
  ].join('\n');
  const server = await startEmbeddedPostgres({ hba, setup: createRoles });
  const host = `127.0.0.1:${server.port}`;
  return {
    url(user, password) {
      const secret = password ?? AUTH_MATRIX_USERS[user as AuthMatrixUserName]?.password;
      const credentials =
        secret === undefined
          ? encodeURIComponent(user)
          : `${encodeURIComponent(user)}:${encodeURIComponent(secret)}`;
      return `postgres://${credentials}@${host}/postgres`;
    },
    stop: server.stop,
  };
}

/** The prefix of `pg_authid.rolpassword` each method needs (null: no password). */
const STORED_AS: Record<AuthMatrixUser['method'], string | null> = {
  trust: null,
  password: 'SCRAM-SHA-256',
  md5: 'md5',
  'scram-sha-256': 'SCRAM-SHA-256',
};

/** Creates the roles, storing each password as its method needs, then checks the stored forms. */
async function createRoles(superuserUrl: string): Promise<void> {
  // One connection, because password_encryption is a session setting.
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [name, user] of Object.entries(AUTH_MATRIX_USERS) as [string, AuthMatrixUser][]) {
      // PostgreSQL 18 still stores and accepts MD5 passwords but warns that they are deprecated.
      const encryption = user.method === 'md5' ? 'md5' : 'scram-sha-256';
      await sql.unsafe(`set password_encryption = '${encryption}'`);
      const password = user.password === undefined ? '' : ` password ${quoteLiteral(user.password)}`;
      await sql.unsafe(`create role ${name} login${password}`);
    }
    const stored = await sql<{ rolname: string; kind: string | null }[]>`
      select rolname, left(rolpassword, 13) as kind from pg_authid where rolname like '%\\_user'`;
    if (stored.length !== Object.keys(AUTH_MATRIX_USERS).length) {
      throw new Error(`expected ${Object.keys(AUTH_MATRIX_USERS).length} roles, found ${stored.length}`);
    }
    for (const { rolname, kind } of stored) {
      const method = AUTH_MATRIX_USERS[rolname as AuthMatrixUserName].method;
      const expected = STORED_AS[method];
      if (expected === null ? kind !== null : !kind?.startsWith(expected)) {
        throw new Error(`role ${rolname}: password stored as ${kind ?? 'nothing'}, expected ${expected}`);
      }
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A SQL string literal; CREATE ROLE takes no bind parameters. */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
