import { describe, expect, it } from 'vitest';
import { readCommandTag, readyStatus } from '../../src/connection/tag-bytes.ts';
import { ProtocolError } from '../../src/errors.ts';

const body = (tag: string) => new TextEncoder().encode(`${tag}\0`);

/** The split the pipeline used before (a regex over the decoded tag): the oracle for the byte reader. */
function byRegex(tag: string): { command: string; rowCount: number | null } {
  const m = /^(.*?)(?: (\d+))?(?: (\d+))?$/.exec(tag)!;
  const last = m[3] ?? m[2];
  return { command: m[1]!, rowCount: last === undefined ? null : Number(last) };
}

describe('readCommandTag', () => {
  it.each([
    'SELECT 3',
    'SELECT 0',
    'INSERT 0 5',
    'UPDATE 12',
    'CREATE TABLE',
    'COPY 1000000',
    'FETCH 9007199254740993',
    'BEGIN',
    '',
    '1',
    ' 1',
    'X 1 2 3',
    'SELECT 1x',
    'ÉTRANGE 4',
    'MOVE  7',
    'ABC1',
    'V2 3',
  ])('splits %j like the regex it replaced', (tag) => {
    expect(readCommandTag(body(tag))).toEqual(byRegex(tag));
  });

  it.each(['SELECT 3', 'INSERT 0 5', 'CREATE TABLE', '1', ' 1', ''])(
    'splits %j in place inside a larger buffer, digits before it not counted',
    (tag) => {
      const inner = body(tag);
      const bytes = new Uint8Array([0x31, 0x20, 0x37, ...inner, 0x38, 0]);
      expect(readCommandTag(bytes, 3, 3 + inner.length)).toEqual(byRegex(tag));
    },
  );

  it('refuses an unterminated tag', () => {
    expect(() => readCommandTag(new TextEncoder().encode('SELECT 1'))).toThrow(ProtocolError);
  });
});

describe('readyStatus', () => {
  it('reads I, T and E and refuses anything else', () => {
    expect(readyStatus(Uint8Array.of(0x49))).toBe('I');
    expect(readyStatus(Uint8Array.of(0x54))).toBe('T');
    expect(readyStatus(Uint8Array.of(0x45))).toBe('E');
    expect(() => readyStatus(Uint8Array.of(0x58))).toThrow(ProtocolError);
    expect(() => readyStatus(new Uint8Array(0))).toThrow(ProtocolError);
    expect(readyStatus(Uint8Array.of(0x45, 0x54), 1, 2)).toBe('T');
    expect(() => readyStatus(Uint8Array.of(0x49), 1, 1)).toThrow(ProtocolError);
  });
});
