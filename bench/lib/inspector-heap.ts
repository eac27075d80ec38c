/**
 * The V8 heap of a server's JavaScript isolate, polled over the DevTools protocol
 * (`Runtime.getHeapUsage`) while a request runs. Workers' 128 MB limit is on the isolate, not on the
 * workerd process (whose RSS also holds the runtime, its other isolates and socket buffers), so this
 * is the number to hold against it; for the Node worker it is the same measure of its one isolate.
 * wrangler dev serves the inspector on `--inspector-port`; node on `--inspect=127.0.0.1:PORT`.
 */
import WebSocket from 'ws';

export interface HeapPeak {
  /** Highest `usedSize` seen: live objects plus garbage not yet collected. */
  usedBytes: number;
  /** Highest `totalSize` seen: the heap V8 had reserved. */
  totalBytes: number;
  samples: number;
}

export interface HeapSampler {
  stop(): Promise<HeapPeak>;
}

interface Target {
  webSocketDebuggerUrl?: string;
}

/** Connects to the first debuggable target on `port` and polls its heap every `intervalMs`. */
export async function sampleHeap(port: number, intervalMs = 100): Promise<HeapSampler> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Target[];
  const target = targets.find((entry) => entry.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  const peak: HeapPeak = { usedBytes: 0, totalBytes: 0, samples: 0 };
  let nextId = 1;
  const waiting = new Map<number, () => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: { usedSize?: number; totalSize?: number };
    };
    if (message.id === undefined) return; // an event, not an answer
    const { usedSize, totalSize } = message.result ?? {};
    if (typeof usedSize === 'number' && typeof totalSize === 'number') {
      peak.usedBytes = Math.max(peak.usedBytes, usedSize);
      peak.totalBytes = Math.max(peak.totalBytes, totalSize);
      peak.samples++;
    }
    waiting.get(message.id)?.();
    waiting.delete(message.id);
  });

  // One request in flight at a time: a busy isolate answers late, and a queue of polls would pile up.
  const poll = () =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method: 'Runtime.getHeapUsage' }));
    });
  let running = true;
  const loop = (async () => {
    while (running && socket.readyState === WebSocket.OPEN) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    async stop() {
      running = false;
      // The last answer may never come if the isolate went away; do not wait for it forever.
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      socket.close();
      return peak;
    },
  };
}
