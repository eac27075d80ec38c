/**
 * A growable byte buffer that frontend messages are encoded into.
 *
 * One writer per connection: encoders append, the connection takes the bytes once per flush.
 * Message lengths are back-patched (`begin` reserves them, `end` fills them in), so a message body
 * is written exactly once with no intermediate buffers.
 */
const encoder = new TextEncoder();

/** Thrown when a single message would exceed the configured limit. */
export class MessageTooLargeError extends Error {
  override name = 'MessageTooLargeError';
}

/** Up to this many UTF-16 units, ASCII text is copied in a loop rather than through TextEncoder. */
const SHORT_TEXT = 32;

export class Writer {
  bytes: Uint8Array;
  view: DataView;
  /** Number of bytes written so far; `bytes[0..length)` is the content. */
  length = 0;

  constructor(initialSize = 16 * 1024) {
    this.bytes = new Uint8Array(initialSize);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.bytes[this.length++] = v;
    return this;
  }

  i16(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.length, v);
    this.length += 2;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, v);
    this.length += 4;
    return this;
  }

  raw(src: Uint8Array): this {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
    return this;
  }

  /** Appends UTF-8 text without a terminator; returns the number of bytes written. */
  text(s: string): number {
    const n = s.length;
    if (n <= SHORT_TEXT) {
      // Names, portals and most parameter values are short ASCII: written byte by byte, without the
      // view and result object encodeInto costs per call (several per statement).
      this.ensure(n);
      const bytes = this.bytes;
      let at = this.length;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.encoded(s);
        bytes[at++] = c;
      }
      this.length = at;
      return n;
    }
    return this.encoded(s);
  }

  /** `text` through TextEncoder: any length, any characters. */
  private encoded(s: string): number {
    // encodeInto needs room for the worst case (3 bytes per UTF-16 unit).
    this.ensure(s.length * 3);
    const { written } = encoder.encodeInto(s, this.bytes.subarray(this.length));
    this.length += written;
    return written;
  }

  /** Appends a NUL-terminated string. NUL inside `s` would truncate it server-side, so it is refused. */
  cstring(s: string, what = 'string'): this {
    if (s.includes('\0')) throw new TypeError(`${what} must not contain a NUL character`);
    this.text(s);
    return this.u8(0);
  }

  /** Starts a message with a type byte (or none for startup-style messages); returns its start offset. */
  begin(type?: number): number {
    if (type !== undefined) this.u8(type);
    const start = this.length;
    this.i32(0);
    return start;
  }

  /** Back-patches the length of the message begun at `start`. */
  end(start: number, maxLength = 0x3fffffff): void {
    const len = this.length - start;
    if (len > maxLength) {
      throw new MessageTooLargeError(`message of ${len} bytes exceeds the limit of ${maxLength}`);
    }
    this.view.setInt32(start, len);
  }

  /** Reserves a 4-byte length slot for a value; pair with `endValue` (or `endNull`). */
  beginValue(): number {
    const at = this.length;
    this.i32(0);
    return at;
  }

  endValue(at: number): void {
    this.view.setInt32(at, this.length - at - 4);
  }

  /** Copies the content out and empties the writer; the returned bytes belong to the caller. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }

  /** Drops bytes written after `mark` (used to undo a message whose encoding failed halfway). */
  truncate(mark: number): void {
    this.length = mark;
  }
}
