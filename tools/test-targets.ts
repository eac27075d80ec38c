/**
 * The PostgreSQL servers integration tests run against, as chosen by tools/test-database-setup.ts.
 * Use it as `describe.each(databaseTargets())('$name', ({ url }) => { … })`.
 */
import { inject } from 'vitest';

export interface DatabaseTarget {
  /** `pg<major>-<origin>`, origin being `env` (DATABASE_URL), `service` (127.0.0.1:5432) or `embedded`. */
  name: string;
  /** A superuser connection URL. */
  url: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTargets: DatabaseTarget[];
  }
}

/** The servers to test against; throws if the vitest globalSetup did not run. */
export function databaseTargets(): DatabaseTarget[] {
  const targets = inject('databaseTargets');
  if (!targets || targets.length === 0) {
    throw new Error(
      'No database targets: run tests through vitest with tools/test-database-setup.ts as globalSetup ' +
        '(see vitest.config.ts), or set DATABASE_URL.',
    );
  }
  return targets;
}
