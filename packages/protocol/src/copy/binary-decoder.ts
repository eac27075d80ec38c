/**
 * `COPY … TO STDOUT (FORMAT binary)` data → rows of JS values, streaming: push the CopyData payloads as
 * they come, in any chunking (one byte at a time works), and get back the rows each push completed.
 * Checks the PGCOPY header (signature, flags), skips its extension area, checks every tuple's field
 * count against the columns, and stops at the trailer; anything else is a ProtocolError.
 *
 * A row wholly inside a chunk is decoded straight from it. Only the part of a row split across
 * chunks is copied, and only as many bytes as that row still needs, so a chunk is never copied whole.
 */

import { ProtocolError } from '../errors.ts';
import { builtinTypes, type TypeRegistry } from '../types/registry.ts';
import { readInt16, readInt32 } from '../types/shared/bytes.ts';
import type { BinaryCodec } from '../types/shared/codec.ts';
import { UnsupportedTypeError } from '../types/shared/codec.ts';
import type { CopyColumn } from './binary-encoder.ts';
import { PGCOPY_HEADER_LENGTH, readPgcopyHeader } from './pgcopy.ts';

const HEADER_LENGTH = PGCOPY_HEADER_LENGTH;

type State = 'header' | 'extension' | 'tuples' | 'done';

function isCodec(value: CopyColumn | BinaryCodec): value is BinaryCodec {
  return typeof (value as BinaryCodec).decode === 'function';
}

export interface BinaryCopyDecoderOptions {
  /** Where type names and OIDs are looked up; the built-ins unless given. */
  registry?: TypeRegistry;
}

export class BinaryCopyDecoder {
  private readonly codecs: BinaryCodec[];
  private readonly names: string[];
  private state: State = 'header';
  /** Header-extension bytes still to skip. */
  private skip = 0;
  /** Bytes of a unit (header or tuple) split across chunks; `carryLength` of them are valid. */
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private rows = 0;

  /**
   * One entry per column of the COPY, in order: a type name or OID, a codec, or a named column (whose
   * name then appears in errors). Throws UnsupportedTypeError for a type without a binary codec.
   */
  constructor(
    columns: readonly (CopyColumn | BinaryCodec | string | number)[],
    options: BinaryCopyDecoderOptions = {},
  ) {
    const registry = options.registry ?? builtinTypes;
    const named = columns.map((column, i): CopyColumn => {
      if (typeof column !== 'object') return { name: `column ${i + 1}`, type: column };
      return isCodec(column) ? { name: `column ${i + 1}`, type: column } : column;
    });
    this.names = named.map((column) => column.name);
    this.codecs = named.map(({ name, type }) => {
      if (typeof type === 'object') return type;
      const codec = registry.codec(type);
      if (codec === undefined) {
        throw new UnsupportedTypeError(
          type,
          `${name.startsWith('column ') ? name : `column "${name}"`}: no binary codec for type ` +
            `${typeof type === 'number' ? `OID ${type}` : `"${type}"`}; use text COPY for it`,
          name,
        );
      }
      return codec;
    });
  }

  /** True once the trailer has been read: the COPY data is complete. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Rows decoded so far. */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * Takes the next bytes of COPY data (CopyData payloads, without message framing) and returns the
   * rows they complete, each an array of values (null for NULL). `chunk` is not kept: it may be reused
   * once this returns.
   */
  push(chunk: Uint8Array): unknown[][] {
    const rows: unknown[][] = [];
    let pos = 0;
    // First finish a unit left over from earlier chunks, feeding it only the bytes it still needs.
    while (this.carryLength > 0) {
      const end = this.scan(this.carry, 0, this.carryLength);
      if (end >= 0) {
        this.carryLength = 0;
        this.consume(this.carry, end, rows);
        break;
      }
      const take = Math.min(-end - this.carryLength, chunk.length - pos);
      this.stash(chunk, pos, pos + take);
      pos += take;
      if (pos === chunk.length && this.scan(this.carry, 0, this.carryLength) < 0) return rows;
    }
    while (pos < chunk.length) {
      switch (this.state) {
        case 'tuples': {
          const next = this.decodeRows(chunk, pos, chunk.length, rows);
          if (this.state === 'tuples') {
            // The rest of the chunk is the start of a row: keep only that part.
            this.stash(chunk, next, chunk.length);
            return rows;
          }
          pos = next;
          break;
        }
        case 'extension': {
          const skipped = Math.min(this.skip, chunk.length - pos);
          pos += skipped;
          this.skip -= skipped;
          if (this.skip === 0) this.state = 'tuples';
          break;
        }
        case 'header':
          if (chunk.length - pos < HEADER_LENGTH) {
            this.stash(chunk, pos, chunk.length);
            return rows;
          }
          this.readHeader(chunk, pos);
          pos += HEADER_LENGTH;
          break;
        case 'done':
          throw new ProtocolError(`binary COPY: ${chunk.length - pos} bytes after the trailer`);
      }
    }
    return rows;
  }

  /** Call when the COPY data has ended: throws ProtocolError if the trailer was not reached. */
  end(): void {
    if (this.state !== 'done') {
      const where =
        this.carryLength > 0
          ? ` with ${this.carryLength} bytes of an unfinished ${this.state === 'header' ? 'header' : 'row'}`
          : '';
      throw new ProtocolError(`binary COPY data ended before its trailer${where}`);
    }
  }

  private stash(bytes: Uint8Array, from: number, to: number): void {
    const need = this.carryLength + (to - from);
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, 2 * this.carry.length, 256));
      next.set(this.carry.subarray(0, this.carryLength));
      this.carry = next;
    }
    this.carry.set(bytes.subarray(from, to), this.carryLength);
    this.carryLength = need;
  }

  /**
   * Decodes whole rows from bytes[pos, end) in one pass, each field read and decoded as it is reached,
   * and returns where it stopped: past the trailer (state 'done'), or at the start of a row that
   * bytes[pos, end) does not hold all of. Such a row's values decoded so far are dropped; the caller
   * stashes its bytes, so at most one partial row per chunk is decoded twice.
   */
  private decodeRows(bytes: Uint8Array, pos: number, end: number, rows: unknown[][]): number {
    const codecs = this.codecs;
    const columns = codecs.length;
    for (;;) {
      if (end - pos < 2) return pos;
      const count = ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16)) >> 16;
      if (count !== columns) {
        if (count === -1) {
          this.state = 'done';
          return pos + 2;
        }
        throw new ProtocolError(
          `binary COPY: row ${this.rows + 1} has ${count} fields, expected ${columns} (${this.names.join(', ')})`,
        );
      }
      const row: unknown[] = new Array(columns);
      let at = pos + 2;
      let i = 0;
      for (; i < columns; i++) {
        if (end - at < 4) break;
        const length = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
        at += 4;
        if (length === -1) {
          row[i] = null;
          continue;
        }
        if (length < 0) {
          throw new ProtocolError(`binary COPY: row ${this.rows + 1}, field ${i + 1} has length ${length}`);
        }
        if (end - at < length) break;
        try {
          row[i] = codecs[i]!.decode(bytes, at, at + length);
        } catch (error) {
          throw this.decodeError(i, error);
        }
        at += length;
      }
      if (i < columns) return pos;
      this.rows++;
      rows.push(row);
      pos = at;
    }
  }

  private decodeError(column: number, error: unknown): ProtocolError {
    return new ProtocolError(
      `binary COPY: row ${this.rows + 1}, column "${this.names[column]}" (${this.codecs[column]!.name}): ${(error as Error).message}`,
      { cause: error },
    );
  }

  /**
   * Where the unit (header or tuple) starting at `start` ends, if bytes[start, end) holds all of it;
   * otherwise minus the number of bytes it is known to need so far (more may turn out to be needed).
   * Only a unit split across chunks is scanned before it is decoded.
   */
  private scan(bytes: Uint8Array, start: number, end: number): number {
    if (this.state === 'header') return end - start >= HEADER_LENGTH ? start + HEADER_LENGTH : -HEADER_LENGTH;
    if (end - start < 2) return -2;
    const count = readInt16(bytes, start);
    if (count === -1) return start + 2;
    if (count !== this.codecs.length) {
      throw new ProtocolError(
        `binary COPY: row ${this.rows + 1} has ${count} fields, expected ${this.codecs.length} (${this.names.join(', ')})`,
      );
    }
    let at = start + 2;
    for (let i = 0; i < count; i++) {
      if (end - at < 4) return -(at + 4 - start);
      const length = readInt32(bytes, at);
      at += 4;
      if (length === -1) continue;
      if (length < 0)
        throw new ProtocolError(`binary COPY: row ${this.rows + 1}, field ${i + 1} has length ${length}`);
      if (end - at < length) return -(at + length - start);
      at += length;
    }
    return at;
  }

  /** Handles the one whole unit (header, row or trailer) in bytes[0, end), as `scan` delimited it. */
  private consume(bytes: Uint8Array, end: number, rows: unknown[][]): void {
    if (this.state === 'header') this.readHeader(bytes, 0);
    else this.decodeRows(bytes, 0, end, rows);
  }

  private readHeader(bytes: Uint8Array, start: number): void {
    const extension = readPgcopyHeader(bytes, start);
    this.skip = extension;
    this.state = extension > 0 ? 'extension' : 'tuples';
  }
}
