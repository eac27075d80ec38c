import { describe, expect, it } from 'vitest';
import { boolConverter } from '../../../src/types/bool/from-text.ts';
import { hexOf, messageOf } from '../input/support/convert.ts';

describe('bool', () => {
  it.each(['t', 'tr', 'TRUE', 'True', 'y', 'yes', 'YE', 'on', 'ON', '1', ' true ', '\tyes\n'])(
    '%j is true',
    (text) => {
      expect(hexOf(boolConverter, text)).toBe('01');
    },
  );

  it.each(['f', 'fa', 'FALSE', 'n', 'no', 'of', 'off', 'OFF', '0', ' off '])('%j is false', (text) => {
    expect(hexOf(boolConverter, text)).toBe('00');
  });

  it.each(['', ' ', 'o', 'truex', 'yess', 'offf', '10', '01', '2', 'maybe', 't r', '\x11', '\x10'])(
    'refuses %j',
    (text) => {
      expect(messageOf(boolConverter, text)).toBe(`invalid input syntax for type boolean: "${text}"`);
    },
  );
});
