/** What a load that must fail left: rolled back (nothing committed), and the first error behind it. */
import { expect } from 'vitest';
import { BadRowError, CommitError, LoadFailedError } from '../../src/errors.ts';

/** What `promise` rejects with; null if it fulfils. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

/** The cause of a load that fails and rolls back; fails the test if the load succeeds or commits. */
export async function rolledBackCause(loading: Promise<unknown>): Promise<unknown> {
  const error = await failureOf(loading);
  expect(error).toBeInstanceOf(LoadFailedError);
  expect(error).toMatchObject({ rolledBack: true, committedShards: 0 });
  return (error as LoadFailedError).cause;
}

/** The bad row a load fails on (rolled back, its cause a BadRowError). */
export async function badRowOf(loading: Promise<unknown>): Promise<BadRowError> {
  const cause = await rolledBackCause(loading);
  expect(cause).toBeInstanceOf(BadRowError);
  return cause as BadRowError;
}

/** Checks that `error` is a CommitError with `outcome`'s fields. */
export function expectCommitError(error: unknown, outcome: Partial<CommitError>): void {
  expect(error).toBeInstanceOf(CommitError);
  expect(error).toMatchObject(outcome);
}
