/**
 * Turning a FIELD_ESCAPED span into the bytes it stands for, exactly as COPY's attribute readers do
 * (CopyReadAttributesCSV, CopyReadAttributesText). Only escaped fields pay for this; the rest are
 * used in place.
 */
import { DelimitedFieldBatch, FIELD_RAW_CSV } from './delimited-batch.ts';
import { DEFAULT_CSV_DIALECT, type DelimitedDialect, TEXT_ESCAPE } from './dialect.ts';
import { FIELD_ESCAPED, FIELD_NULL, type FieldBatch } from './field-batch.ts';

const decoder = new TextDecoder();

/**
 * The field's value bytes: a view into `batch.bytes` when nothing needs unescaping, else the unescaped
 * bytes written into `scratch` (if it is at least as long as the raw span) or a new array. Valid until
 * the next batch (and, in `scratch`, until the next call that uses it). A NULL field gives its raw
 * span: check FIELD_NULL first.
 */
export function unescapeField(batch: FieldBatch, fieldIndex: number, scratch?: Uint8Array): Uint8Array {
  const start = batch.fieldStart[fieldIndex]!;
  const end = batch.fieldEnd[fieldIndex]!;
  const flags = batch.fieldFlags[fieldIndex]!;
  const bytes = batch.bytes;
  if ((flags & FIELD_ESCAPED) === 0 || (flags & FIELD_NULL) !== 0) return bytes.subarray(start, end);
  const out = scratch !== undefined && scratch.length >= end - start ? scratch : new Uint8Array(end - start);
  const dialect = dialectOf(batch);
  const length =
    dialect.kind === 'text'
      ? unescapeText(bytes, start, end, out)
      : unescapeCsv(bytes, start, end, dialect.quote, dialect.escape, (flags & FIELD_RAW_CSV) !== 0, out);
  return out.subarray(0, length);
}

/** The field as a string (for messages and header names), or null for NULL. */
export function fieldText(batch: FieldBatch, fieldIndex: number): string | null {
  if ((batch.fieldFlags[fieldIndex]! & FIELD_NULL) !== 0) return null;
  return decoder.decode(unescapeField(batch, fieldIndex));
}

function dialectOf(batch: FieldBatch): DelimitedDialect {
  return batch instanceof DelimitedFieldBatch ? batch.dialect : DEFAULT_CSV_DIALECT;
}

/**
 * CSV: `raw` spans are whole fields in which quotes toggle quoting; other spans are the inside of one
 * quoted string. Inside quotes, escape + (quote | escape) is the second byte. Returns the length.
 */
export function unescapeCsv(
  bytes: Uint8Array,
  start: number,
  end: number,
  quote: number,
  escapeByte: number,
  raw: boolean,
  out: Uint8Array,
): number {
  let n = 0;
  let inQuote = !raw;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (!inQuote) {
      if (b === quote) inQuote = true;
      else out[n++] = b;
      i++;
      continue;
    }
    if (b === escapeByte && i + 1 < end) {
      const next = bytes[i + 1]!;
      if (next === quote || next === escapeByte) {
        out[n++] = next;
        i += 2;
        continue;
      }
    }
    if (b === quote) inQuote = false;
    else out[n++] = b;
    i++;
  }
  return n;
}

/** COPY text format: \b \f \n \r \t \v, octal \ooo, hex \xhh; any other escaped byte is itself. */
export function unescapeText(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  let i = start;
  while (i < end) {
    let b = bytes[i++]!;
    if (b !== TEXT_ESCAPE) {
      out[n++] = b;
      continue;
    }
    // COPY drops a backslash that is the last byte of the input.
    if (i >= end) break;
    b = bytes[i++]!;
    if (b >= 0x30 && b <= 0x37) {
      let value = b - 0x30;
      for (let digits = 1; digits < 3 && i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x37; digits++) {
        value = (value << 3) + (bytes[i++]! - 0x30);
      }
      out[n++] = value & 0xff;
      continue;
    }
    if (b === 0x78 /* x */ && i < end && hexValue(bytes[i]!) >= 0) {
      let value = hexValue(bytes[i++]!);
      if (i < end && hexValue(bytes[i]!) >= 0) value = (value << 4) + hexValue(bytes[i++]!);
      out[n++] = value;
      continue;
    }
    out[n++] = TEXT_CONTROL[b] ?? b;
  }
  return n;
}

/** \b \f \n \r \t \v */
const TEXT_CONTROL: Readonly<Record<number, number>> = {
  98: 0x08,
  102: 0x0c,
  110: 0x0a,
  114: 0x0d,
  116: 0x09,
  118: 0x0b,
};

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
