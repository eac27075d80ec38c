/** What an atomic load commits through, from its settings and the server's max_prepared_transactions. */
import { describe, expect, it } from 'vitest';
import { LoadConfigError } from '../../src/errors.ts';
import { chooseCommit } from '../../src/load/commit-choice.ts';

const atomic = (commit: 'auto' | 'two-phase' | 'staged' | 'barrier', shards = 4) =>
  ({ mode: 'atomic', commit, shards }) as const;

describe('chooseCommit', () => {
  it("'auto': two-phase where the server prepares, else one shard, and says why", () => {
    expect(chooseCommit(atomic('auto'), 10)).toEqual({ commit: 'two-phase', shards: 4 });
    const none = chooseCommit(atomic('auto'), 0);
    expect(none).toMatchObject({ commit: 'single', shards: 1 });
    expect(none.shardsReason).toMatch(/^1 of 4 used: .*max_prepared_transactions = 0/);
    expect(chooseCommit(atomic('auto', 1), 0)).toEqual({ commit: 'single', shards: 1 });
  });

  it('never more shards than the server can prepare at once', () => {
    expect(chooseCommit(atomic('auto', 8), 3)).toMatchObject({ commit: 'two-phase', shards: 3 });
    expect(chooseCommit(atomic('two-phase', 8), 1)).toMatchObject({ commit: 'single', shards: 1 });
    expect(chooseCommit(atomic('auto', 8), 3).shardsReason).toMatch(/^3 of 8 used/);
  });

  it("the barrier only when asked for; 'two-phase' refused where it cannot run", () => {
    expect(chooseCommit(atomic('barrier'), 0)).toEqual({ commit: 'barrier', shards: 4 });
    expect(chooseCommit(atomic('barrier', 1), 0)).toEqual({ commit: 'single', shards: 1 });
    expect(() => chooseCommit(atomic('two-phase'), 0)).toThrow(LoadConfigError);
    expect(() => chooseCommit(atomic('two-phase'), 0)).toThrow(/max_prepared_transactions = 0/);
  });

  it('staged and batches keep their shards', () => {
    expect(chooseCommit(atomic('staged'), 0)).toEqual({ commit: 'staged', shards: 4 });
    expect(chooseCommit({ mode: 'batches', commit: 'auto', shards: 4 }, 0)).toEqual({
      commit: 'batches',
      shards: 4,
    });
  });
});
