/**
 * JS values (row arrays, objects, JSON rows) as one COPY row, binary or text: through the protocol's
 * binary codecs, or the column's text converter for strings. Throws a row's error with its line,
 * column and value; the encoder rolls the row back.
 */
import { type BinaryCodec, builtinTypes, type Writer } from '@haul/protocol';
import { checkNotNull, fieldError, safeJson, widthError } from './bad-row.ts';
import type { EncodePlan } from './chunk-encoder.ts';
import { isJsonColumn, jsonFieldText, loneSurrogateError } from './json-field-text.ts';
import { writeTextString, writeTextValue } from './text-format.ts';
import { rowValues } from './value-row.ts';

const textEncoder = new TextEncoder();

export class ValueRowWriter {
  private scratch = new Uint8Array(256);
  private readonly codecs: (BinaryCodec | undefined)[];

  constructor(private readonly plan: EncodePlan) {
    this.codecs = plan.columns.map(
      // A domain's OID is not built in: its base type's typname (quoted: exact, no SQL alias) is.
      (column) => builtinTypes.codec(column.typeOid) ?? builtinTypes.codec(`"${column.baseTypeName}"`),
    );
  }

  /** Writes `row` (source line `line`) as the next COPY row. */
  write(
    w: Writer,
    row: readonly unknown[] | Readonly<Record<string, unknown>>,
    line: number,
    fromJson: boolean,
  ): void {
    const { columns, format } = this.plan;
    if (this.plan.keyIndex === null && Array.isArray(row) && row.length !== this.plan.width) {
      throw widthError(this.plan, line, row.length, 'values');
    }
    const values = rowValues(row, this.plan, line);
    if (format === 'binary') w.i16(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const value = values[c];
      const column = columns[c]!;
      // Strings parsed from JSON cannot hold one (the parser refuses unpaired escapes).
      if (!fromJson && typeof value === 'string') {
        const lone = loneSurrogateError(value, line, column);
        if (lone) throw lone;
      }
      let text: string | undefined;
      try {
        text = jsonFieldText(value, column, fromJson);
      } catch (error) {
        throw fieldError(error, line, column, String(value));
      }
      if (format === 'text') {
        if (c > 0) w.u8(0x09);
        if (value === null || value === undefined) {
          checkNotNull(column, line);
          w.u8(0x5c).u8(0x4e);
        } else if (text !== undefined) {
          writeTextString(w, text);
        } else {
          writeTextValue(w, value, isJsonColumn(column));
        }
        continue;
      }
      if (value === null || value === undefined) {
        checkNotNull(column, line);
        w.i32(-1);
        continue;
      }
      const at = w.beginValue();
      try {
        if (text !== undefined) this.writeString(w, c, text);
        else if (typeof value === 'string') this.writeString(w, c, value);
        else {
          const codec = this.codecs[c];
          if (!codec)
            throw new Error(`a ${typeof value} cannot be written to ${column.formatType}; pass text`);
          codec.encode(w, value);
        }
      } catch (error) {
        throw fieldError(error, line, column, text ?? (typeof value === 'string' ? value : safeJson(value)));
      }
      w.endValue(at);
    }
    if (format === 'text') w.u8(0x0a);
  }

  private writeString(w: Writer, column: number, value: string): void {
    const need = value.length * 3;
    if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const scratch = this.scratch;
    let written = 0;
    // Short ASCII (numbers' text, codes, names): a byte loop beats encodeInto's fixed cost per call.
    if (value.length <= 32) {
      for (; written < value.length; written++) {
        const unit = value.charCodeAt(written);
        if (unit >= 0x80) break;
        scratch[written] = unit;
      }
    }
    if (written < value.length) written = textEncoder.encodeInto(value, scratch).written;
    this.plan.converters[column]!.write(w, scratch, 0, written);
  }
}
