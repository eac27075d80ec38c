import { describe, expect, it } from 'vitest';
import { saslprepPassword } from '../../src/auth/saslprep.ts';

describe('saslprepPassword', () => {
  it.each([
    ['pure ASCII is unchanged', 'pencil', 'pencil'],
    ['ASCII control characters pass on the ASCII path, as in PostgreSQL', 'a\u0007b', 'a\u0007b'],
    // RFC 4013 §3 examples.
    ['soft hyphen maps to nothing', 'I\u00adX', 'IX'],
    ['NFKC folds the feminine ordinal', '\u00aa', 'a'],
    ['NFKC folds roman numeral nine', '\u2168', 'IX'],
    ['a non-ASCII space becomes a space', 'a\u00a0b', 'a b'],
    ['zero-width space becomes a space (space mapping first)', 'x\u200by', 'x y'],
    ['NFKC composes', 'e\u0301t\u00e9', '\u00e9t\u00e9'],
  ])('%s', (_, input, expected) => {
    expect(saslprepPassword(input)).toBe(expected);
  });

  it.each([
    ['an ASCII control character next to non-ASCII', '\u00e9\u0007'],
    ['a private-use character', '\ue000\u00aa'],
    ['a lone surrogate', '\ud800\u00aa'],
    ['a tagging character', '\u{e0001}\u00aa'],
    ['an output that is empty', '\u00ad'],
  ])('falls back to the raw password for %s', (_, input) => {
    expect(saslprepPassword(input)).toBe(input);
  });
});
