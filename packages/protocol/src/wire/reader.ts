/**
 * A bounds-checked cursor over one message body. Views it returns alias the body and are valid only
 * as long as the body is (see the framer's lifetime note).
 */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export class ReadError extends Error {
  override name = 'ReadError';
}

export class Reader {
  pos: number;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new ReadError(
        `message body too short: need ${n} bytes at offset ${this.pos} of ${this.bytes.length}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A view of the next `n` bytes (no copy). */
  bytesView(n: number): Uint8Array {
    if (n < 0) throw new ReadError(`negative length ${n} at offset ${this.pos}`);
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Reads a NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw new ReadError(`unterminated string at offset ${this.pos}`);
    const s = decoder.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  /** The rest of the body as UTF-8 text. */
  restText(): string {
    const s = decoder.decode(this.bytes.subarray(this.pos));
    this.pos = this.bytes.length;
    return s;
  }
}

export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
