/**
 * json's binary format is its text (see text/from-text.ts); jsonb's is a format version byte (1)
 * and then the JSON text. jsonb_recv parses it, so bad JSON is still refused, by the server.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText } from '../from-text.ts';
import { copyBytes } from '../text/from-text.ts';

export const jsonbConverter: FromText = {
  type: 'jsonb',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    w.ensure(1);
    w.bytes[w.length++] = 1;
    copyBytes(w, bytes, start, end);
  },
};
