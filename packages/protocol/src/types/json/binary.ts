/**
 * json and jsonb in binary format: json is the document's UTF-8 text; jsonb is a version byte (1, the
 * only version) followed by the same text (jsonb_send/jsonb_recv). A string is taken as JSON text and
 * checked with JSON.parse; any other value is JSON.stringify'd. Decoding parses the text.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, kindOf, ValueError } from '../shared/codec.ts';
import { decodeText } from '../text/text.ts';

const JSONB_VERSION = 1;

/** The value's JSON text, checked: the server would refuse the whole COPY for one bad document. */
function jsonText(type: string, value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch (error) {
      throw new ValueError(`invalid input syntax for ${type}: ${(error as Error).message}`);
    }
    return value;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // Cycles and bigint members land here.
    throw new ValueError(`cannot serialize ${kindOf(value)} as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new ValueError(`${kindOf(value)} has no JSON form`);
  return text;
}

const ESCAPE = /\\(u[0-9a-fA-F]{4}|.)/gs;

/**
 * jsonb stores strings decoded, so it refuses what cannot be decoded into its text: the escape
 * \u0000 and UTF-16 surrogate escapes that do not pair up (json keeps the text and accepts both).
 * JSON.stringify writes both forms for '\0' and lone surrogates.
 */
function checkJsonbEscapes(text: string): void {
  if (text.indexOf('\\u') === -1) return;
  let pendingHigh = false;
  let lastEnd = -1;
  for (const match of text.matchAll(ESCAPE)) {
    const sequence = match[1]!;
    const adjacent = match.index === lastEnd;
    lastEnd = match.index + match[0].length;
    if (pendingHigh && !adjacent) throw unpaired();
    if (sequence.length !== 5) {
      if (pendingHigh) throw unpaired();
      continue;
    }
    const unit = Number.parseInt(sequence.slice(1), 16);
    if (unit === 0)
      throw new ValueError('jsonb cannot hold the escape \\u0000 (unsupported Unicode escape sequence)');
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    if (isLow !== pendingHigh) throw unpaired();
    pendingHigh = isHigh;
  }
  if (pendingHigh) throw unpaired();
}

function unpaired(): ValueError {
  return new ValueError('jsonb cannot hold an unpaired UTF-16 surrogate escape (\\ud800–\\udfff)');
}

export const jsonCodec: BinaryCodec = {
  name: 'json',
  oid: Oid.json,
  encode(w: Writer, value: unknown): void {
    w.text(jsonText('json', value));
  },
  decode(bytes, start, end): unknown {
    return JSON.parse(decodeText(bytes, start, end));
  },
};

export const jsonbCodec: BinaryCodec = {
  name: 'jsonb',
  oid: Oid.jsonb,
  encode(w: Writer, value: unknown): void {
    const text = jsonText('jsonb', value);
    checkJsonbEscapes(text);
    w.u8(JSONB_VERSION);
    w.text(text);
  },
  decode(bytes, start, end): unknown {
    if (end <= start || bytes[start] !== JSONB_VERSION) {
      throw new ProtocolError(`jsonb: unsupported binary format version ${bytes[start] ?? '(none)'}`);
    }
    return JSON.parse(decodeText(bytes, start + 1, end));
  },
};
