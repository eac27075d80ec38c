import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Writer } from '../../src/wire/writer.ts';

describe('Writer.text', () => {
  it('writes exactly what TextEncoder does, short ASCII (copied in a loop) or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }))),
        (parts) => {
          const w = new Writer(8);
          let total = 0;
          for (const part of parts) total += w.text(part);
          const expected = new TextEncoder().encode(parts.join(''));
          expect(total).toBe(expected.length);
          expect(w.take()).toEqual(expected);
        },
      ),
    );
  });

  it('falls back to TextEncoder mid-string without leaving the ASCII prefix behind twice', () => {
    const w = new Writer(4);
    w.text('ab');
    w.text('cdé');
    w.text('\ud800x');
    expect(w.take()).toEqual(new TextEncoder().encode('abcdé\ud800x'));
  });
});
