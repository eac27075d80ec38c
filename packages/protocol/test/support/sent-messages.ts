/** Frontend messages counted by type off the wire, for tests that count what the driver sends. */
import type { SocketFactory } from '../../src/socket.ts';
import { observingSocket } from './observing-socket.ts';

/** Counts the frontend messages of each type the driver sends once `counting` is on (after startup). */
export class SentMessages {
  readonly byType = new Map<number, number>();
  counting = false;
  #pending = new Uint8Array(0);

  count(type: number): number {
    return this.byType.get(type) ?? 0;
  }

  reset(): void {
    this.byType.clear();
  }

  /** Frames the written bytes (a message may span writes) and tallies each message's type byte. */
  observe(chunk: Uint8Array): void {
    if (!this.counting) return;
    const bytes = new Uint8Array(this.#pending.length + chunk.length);
    bytes.set(this.#pending);
    bytes.set(chunk, this.#pending.length);
    let pos = 0;
    while (pos + 5 <= bytes.length) {
      const len = new DataView(bytes.buffer, bytes.byteOffset + pos + 1, 4).getUint32(0);
      if (pos + 1 + len > bytes.length) break;
      this.byType.set(bytes[pos]!, this.count(bytes[pos]!) + 1);
      pos += 1 + len;
    }
    this.#pending = bytes.slice(pos);
  }

  /**
   * Taps the first socket only: that is the session. Later ones carry a CancelRequest, which has no type
   * byte: framed with the session's bytes it swallowed every message after it.
   */
  factory(): SocketFactory {
    const session = observingSocket({ written: (chunk) => this.observe(chunk) });
    const others = observingSocket({});
    let opened = 0;
    return (options) => (opened++ === 0 ? session(options) : others(options));
  }
}
