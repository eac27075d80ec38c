/**
 * The bridge's message count, with no clock: TCP reads that arrive together leave as one WebSocket
 * message, so the messages for a burst of N reads do not grow with N. PostgreSQL answers a pipeline
 * with one small read per Sync; one message each made every hop behind the bridge pay per query.
 */
import { describe, expect, it } from 'vitest';
import { bridgeWebSocket, type ServerWebSocket, type TcpStreams } from '../../src/ws/bridge.ts';
import { joinChunks } from '../../src/ws/read-batches.ts';

type Listener = (event: never) => void;

/** A server-side WebSocket that records what the bridge sends. */
class RecordingWebSocket implements ServerWebSocket {
  readonly sent: Uint8Array[] = [];
  readonly bufferedAmount = 0;
  closed: number | undefined;
  readonly #listeners = new Map<string, Listener[]>();
  send(data: ArrayBuffer | Uint8Array): void {
    this.sent.push(data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0)));
  }
  close(code?: number): void {
    this.closed = code;
  }
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(type: 'message', event: { data: unknown }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event as never);
  }
}

/** A TCP connection whose reads the test feeds, and whose writes it records. */
function fakeTcp(): { tcp: TcpStreams; feed(chunk: Uint8Array): void; end(): void; written: Uint8Array[] } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const written: Uint8Array[] = [];
  const writable = new WritableStream<Uint8Array>({ write: (chunk) => void written.push(chunk) });
  return {
    tcp: { readable, writable, close: () => {} },
    feed: (chunk) => controller.enqueue(chunk),
    end: () => controller.close(),
    written,
  };
}

/** One small answer per query, as PostgreSQL flushes them: `n` distinct 40-byte reads. */
function answers(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new Uint8Array(40).fill(i % 251));
}

const sentBytes = (ws: RecordingWebSocket) => ws.sent.reduce((sum, chunk) => sum + chunk.byteLength, 0);

/** Waits (in timer turns, not for a set time) until `ready()`; the test's own timeout bounds it. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function messagesForBurst(n: number): Promise<{ messages: number; bytes: Uint8Array }> {
  const ws = new RecordingWebSocket();
  const { tcp, feed } = fakeTcp();
  void bridgeWebSocket(ws, tcp);
  const reads = answers(n);
  for (const chunk of reads) feed(chunk);
  await until(() => sentBytes(ws) === n * 40);
  const joined = joinChunks(ws.sent, n * 40);
  expect(joined).toEqual(joinChunks(reads, n * 40));
  return { messages: ws.sent.length, bytes: joined };
}

describe('bridge TCP→WebSocket batching', () => {
  it('sends a burst of N reads in a number of messages that does not grow with N', async () => {
    const small = await messagesForBurst(250);
    const large = await messagesForBurst(1000);
    // One message per read would be 250 and 1000.
    expect(small.messages).toBeLessThanOrEqual(2);
    expect(large.messages).toBeLessThanOrEqual(small.messages);
  });

  it('caps a message at maxMessageBytes', async () => {
    const ws = new RecordingWebSocket();
    const { tcp, feed } = fakeTcp();
    void bridgeWebSocket(ws, tcp, { maxMessageBytes: 400 });
    for (const chunk of answers(100)) feed(chunk);
    await until(() => sentBytes(ws) === 4000);
    expect(ws.sent.length).toBe(10);
    expect(ws.sent.every((message) => message.byteLength === 400)).toBe(true);
  });

  it('does not hold a read for data that is not on its way, and ends after the last batch', async () => {
    const ws = new RecordingWebSocket();
    const { tcp, feed, end } = fakeTcp();
    const done = bridgeWebSocket(ws, tcp);
    feed(new Uint8Array([1, 2, 3]));
    await until(() => ws.sent.length > 0);
    expect(ws.sent).toEqual([new Uint8Array([1, 2, 3])]);
    feed(new Uint8Array([4]));
    end();
    await done;
    expect(ws.sent).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
    expect(ws.closed).toBe(1000);
  });

  it('writes each WebSocket message to TCP in order', async () => {
    const ws = new RecordingWebSocket();
    const { tcp, written } = fakeTcp();
    void bridgeWebSocket(ws, tcp);
    for (let i = 0; i < 5; i++) ws.emit('message', { data: new Uint8Array([i]).buffer });
    await until(() => written.length === 5);
    expect(joinChunks(written, written.length)).toEqual(new Uint8Array([0, 1, 2, 3, 4]));
  });
});
