/**
 * PGlite as a protocol socket: the bytes `@haul/protocol`'s Connection writes go to PGlite's own
 * backend (`execProtocolRaw`), and what it answers comes back as the socket's reads. So the loader's
 * `load()` runs against PGlite unchanged, through the same Connection as against a server.
 *
 * PGlite is one session that runs each `execProtocolRaw` call to the end of its input, synchronously.
 * Two things follow, and this file is where they are handled:
 *  - Bytes go in at the points where the backend has all it will read: after the startup packet, a
 *    Sync, a Flush, or a simple Query. A `COPY … FROM STDIN` must arrive whole, its CopyData up to
 *    CopyDone or CopyFail in the same call: a backend that runs out of input inside a COPY ends the
 *    instance (PGlite 0.5). The Connection writes a COPY's data right behind its statement, without
 *    waiting for CopyInResponse, so holding the statement until its data is complete cannot wait on
 *    the server. Which simple Query starts such a COPY is read from its text: the Query is the one
 *    place the stream says so before the server answers.
 *  - One socket at a time is a session. Closing it (Terminate, or the socket dropped) leaves the
 *    backend as a new session would find it: no transaction, no prepared statements, settings reset,
 *    session locks released, so the next Connection (or PGlite's own `query`) starts clean.
 * A CancelRequest socket is closed at once: nothing runs between two calls to cancel. Every MiB
 * written, the writer is asked to wait a macrotask (YIELD_BYTES), so a load in the page lets it paint.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  type ByteSocket,
  ConnectionError,
  FrontendTag,
  type SocketFactory,
  type SocketHandlers,
  StartupCode,
} from '@haul/protocol';

/** A simple Query whose statement is a COPY reading from the client. */
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

/** What a closed session leaves behind is undone by these, as a new backend would start. */
const RESET_SESSION = [
  'rollback',
  'deallocate all',
  'close all',
  'reset all',
  'select pg_advisory_unlock_all()',
];

/**
 * Written bytes after which `write` asks the writer to wait one macrotask. Nothing here does I/O, so
 * without it a load would run parse, encode and write as one chain of microtasks: no progress event,
 * no paint and no cancel click until the end.
 */
const YIELD_BYTES = 1 << 20;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Sockets onto `db`, one session at a time; `connectWith(pgliteSockets(db), …)` opens a Connection. */
export function pgliteSockets(db: PGlite): SocketFactory {
  let session: PGliteSocket | null = null;
  const sessions: SessionSlot = {
    claim: (socket) => {
      if (session && !session.closed) return false;
      session = socket;
      return true;
    },
    release: (socket) => {
      if (session === socket) session = null;
    },
  };
  return async (options) => {
    options.signal?.throwIfAborted();
    return new PGliteSocket(db, sessions);
  };
}

/** The one session PGlite has: a startup claims it, closing its socket releases it. */
interface SessionSlot {
  claim(socket: PGliteSocket): boolean;
  release(socket: PGliteSocket): void;
}

class PGliteSocket implements ByteSocket {
  closed = false;
  #handlers: SocketHandlers | undefined;
  /** Written bytes not yet run; `#runnable` of them may run now. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #runnable = 0;
  /** The message being read: its header (type, length) and, for a Query or startup, its body. */
  #header = new Uint8Array(5);
  #headerBytes = 0;
  #bodyLeft = 0;
  #body: Uint8Array[] | null = null;
  #type = 0;
  #startup = true;
  #cancel = false;
  /** Inside a COPY FROM STDIN: nothing runs until its CopyDone or CopyFail. */
  #inCopy = false;
  #terminated = false;
  /** The run in progress (`#pump`), if any: one call into PGlite at a time. */
  #pumping: Promise<void> | null = null;
  /** Whether this socket opened a session that closing it must reset. */
  #session = false;
  #sinceYield = 0;
  /** Another socket holds the session: this one is refused at its startup. */
  #refused = false;

  constructor(
    private readonly db: PGlite,
    private readonly sessions: SessionSlot,
  ) {}

  start(handlers: SocketHandlers): void {
    this.#handlers = handlers;
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.closed || this.#terminated) return undefined;
    // Kept until PGlite runs it (a whole COPY, up to its CopyDone): far past the bytes a writer may
    // expect a socket to hold (ByteSocket.write), so a copy; the loader reuses its chunk buffers.
    const owned = chunk.slice();
    this.#scan(owned);
    this.#pending.push(owned);
    this.#pendingBytes += chunk.byteLength;
    // After this task's other writes: a pipeline written in one go runs in one call.
    queueMicrotask(() => this.#kick());
    this.#sinceYield += chunk.byteLength;
    if (this.#sinceYield < YIELD_BYTES) return undefined;
    this.#sinceYield = 0;
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  // Each call's answer comes whole, as PGlite produced it: there is no stream to hold back.
  pause(): void {}

  resume(): void {}

  /** Runs what was written (Terminate aside), then ends the session. */
  async close(): Promise<void> {
    this.#kick();
    await this.#pumping;
    await this.#finish(undefined);
  }

  destroy(error?: Error): void {
    void this.#finish(error);
  }

  /** Reads message boundaries as bytes arrive, marking how far PGlite may run. */
  #scan(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.#bodyLeft > 0) {
        const n = Math.min(this.#bodyLeft, chunk.byteLength - at);
        this.#body?.push(chunk.subarray(at, at + n));
        this.#bodyLeft -= n;
        at += n;
        if (this.#bodyLeft === 0) this.#messageEnd(this.#pendingBytes + at);
        continue;
      }
      const headerSize = this.#startup ? 4 : 5;
      const n = Math.min(headerSize - this.#headerBytes, chunk.byteLength - at);
      this.#header.set(chunk.subarray(at, at + n), this.#headerBytes);
      this.#headerBytes += n;
      at += n;
      if (this.#headerBytes < headerSize) continue;
      const view = new DataView(this.#header.buffer);
      this.#type = this.#startup ? 0 : this.#header[0]!;
      this.#bodyLeft = view.getInt32(this.#startup ? 0 : 1) - 4;
      this.#headerBytes = 0;
      this.#body = this.#startup || this.#type === FrontendTag.Query ? [] : null;
      if (this.#bodyLeft === 0) this.#messageEnd(this.#pendingBytes + at);
    }
  }

  /** A whole message was read, ending `end` bytes into the pending bytes. */
  #messageEnd(end: number): void {
    const type = this.#type;
    const body = this.#body;
    this.#body = null;
    if (this.#startup) {
      this.#startup = false;
      const code = body ? new DataView(concat(body, 4).buffer).getInt32(0) : 0;
      if (code === StartupCode.CancelRequest || code === StartupCode.SslRequest) this.#cancel = true;
      else if (this.sessions.claim(this)) this.#session = true;
      else this.#refused = true;
      this.#runnable = end;
      return;
    }
    if (type === FrontendTag.Terminate) {
      // Not for PGlite: its backend would exit. What came before it still runs.
      this.#terminated = true;
      return;
    }
    if (this.#inCopy) {
      if (type === FrontendTag.CopyDone || type === FrontendTag.CopyFail) {
        this.#inCopy = false;
        this.#runnable = end;
      }
      return;
    }
    if (type === FrontendTag.Query && body && COPY_FROM_STDIN.test(decoder.decode(concat(body)))) {
      this.#inCopy = true;
      return;
    }
    if (type === FrontendTag.Query || type === FrontendTag.Sync || type === FrontendTag.Flush)
      this.#runnable = end;
  }

  #kick(): void {
    this.#pumping ??= this.#pump().finally(() => {
      this.#pumping = null;
      // Written between the run's last look and its end: run that too.
      if (this.#runnable > 0 && !this.closed) this.#kick();
    });
  }

  /** Runs what may run, one call at a time, and hands PGlite's answers to the reader. */
  async #pump(): Promise<void> {
    try {
      while (!this.closed && this.#runnable > 0) {
        const input = this.#take(this.#runnable);
        if (this.#cancel) break;
        if (this.#refused) {
          await this.#finish(
            new ConnectionError('PGlite runs one session, and another connection holds it', false),
          );
          return;
        }
        const answer = await this.db.execProtocolRaw(input);
        if (answer.byteLength > 0 && !this.closed) this.#handlers?.data(answer);
      }
    } catch (error) {
      await this.#finish(
        new ConnectionError(`PGlite failed: ${(error as Error).message}`, true, { cause: error }),
      );
      return;
    }
    if (this.#cancel || (this.#terminated && this.#runnable === 0)) await this.#finish(undefined);
  }

  /** The first `bytes` pending bytes, as one buffer (PGlite reads one). */
  #take(bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const part = this.#pending[0]!;
      const n = Math.min(part.byteLength, bytes - filled);
      out.set(part.subarray(0, n), filled);
      filled += n;
      if (n === part.byteLength) this.#pending.shift();
      else this.#pending[0] = part.subarray(n);
    }
    this.#pendingBytes -= bytes;
    this.#runnable -= bytes;
    return out;
  }

  async #finish(error: Error | undefined): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#pending = [];
    if (this.#session) {
      // A statement still waiting for its input (a COPY cut short) never ran; what did run is undone.
      const reset = RESET_SESSION.map((sql) => queryMessage(sql));
      await this.db.execProtocolRaw(concat(reset)).catch(() => {});
    }
    this.sessions.release(this);
    this.#handlers?.end(error);
  }
}

function queryMessage(sql: string): Uint8Array {
  const text = encoder.encode(sql);
  const message = new Uint8Array(6 + text.byteLength);
  message[0] = FrontendTag.Query;
  new DataView(message.buffer).setInt32(1, 5 + text.byteLength);
  message.set(text, 5);
  return message;
}

function concat(parts: readonly Uint8Array[], limit = Number.POSITIVE_INFINITY): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const part of parts) {
    if (at >= out.byteLength) break;
    const n = Math.min(part.byteLength, out.byteLength - at);
    out.set(part.subarray(0, n), at);
    at += n;
  }
  return out;
}
