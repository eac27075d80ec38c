/**
 * bool in binary format: one byte, 1 for true and 0 for false (boolsend; boolrecv reads any non-zero
 * byte as true). Encoding takes a boolean, or the spellings boolin accepts for an unambiguous value.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';

const SPELLINGS: ReadonlyMap<string, boolean> = new Map([
  ['t', true],
  ['true', true],
  ['y', true],
  ['yes', true],
  ['on', true],
  ['1', true],
  ['f', false],
  ['false', false],
  ['n', false],
  ['no', false],
  ['off', false],
  ['0', false],
]);

export const boolCodec: BinaryCodec = {
  name: 'bool',
  oid: Oid.bool,
  encode(w: Writer, value: unknown): void {
    if (typeof value === 'boolean') {
      w.u8(value ? 1 : 0);
      return;
    }
    if (typeof value === 'string') {
      const spelled = SPELLINGS.get(value.trim().toLowerCase());
      if (spelled === undefined) throw new ValueError('invalid input syntax for bool');
      w.u8(spelled ? 1 : 0);
      return;
    }
    throw wrongKind('bool', 'a boolean', value);
  },
  decode(bytes, start, end): boolean {
    expectLength('bool', 1, start, end);
    return bytes[start] !== 0;
  },
};
