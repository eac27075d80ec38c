/** Which server a command talks to: --url, else DATABASE_URL, else a usage error (exit 2). */
import { UsageError } from './usage-error.ts';

export function databaseUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): string {
  const url = flag ?? env['DATABASE_URL'];
  if (url === undefined || url.trim() === '') {
    throw new UsageError(
      'no database: pass --url postgres://user@host:5432/db or set DATABASE_URL in the environment',
      command,
    );
  }
  return url;
}
