/**
 * The two worker servers the worker benchmark talks to, each in its own process so that their memory
 * can be read on its own and they do not share the benchmark's event loop:
 *
 * - Node: `node --import tsx apps/worker/src/entries/node.ts` (one process: `tsx file.ts` would put a
 *   second node between us and the server), with DATABASE_URL, HAUL_TOKEN and PORT=0 (a free port).
 * - workerd: `wrangler dev` on the Workers entry, bundled the way apps/worker's tests bundle it, with
 *   an inspector port we choose, so the isolate's heap can be read (lib/inspector-heap.ts).
 * - workerd alone: the same bundle through Miniflare, with no wrangler proxy worker in front of it, so
 *   W2 can tell workerd's own cost from the local proxy's (production has no such proxy).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMiniflare } from '../../apps/worker/test/workerd/miniflare.ts';
import { startWorkerd as startWranglerDev } from '../../apps/worker/test/workerd/wrangler-dev.ts';
import { descendants } from './proc-memory.ts';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const WORKER_DIR = fileURLToPath(new URL('../../apps/worker/', import.meta.url));
const NODE_ENTRY = join(WORKER_DIR, 'src/entries/node.ts');
const CLOUDFLARE_ENTRY = join(WORKER_DIR, 'src/entries/cloudflare.ts');

/** The token both servers accept; local only, so a fixed one is fine. */
export const BENCH_TOKEN = 'haul-bench-token';

export interface WorkerServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The processes whose memory is the server's: the node process, or every workerd process. */
  memoryPids(): readonly number[];
  /** The DevTools inspector port: node's own, or wrangler's inspector proxy for workerd. */
  inspectorPort: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Kills a detached child's whole process group (wrangler → workerd), SIGTERM then SIGKILL. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) return kill('SIGKILL');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 3_000);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 6_000))]);
  clearTimeout(timer);
  kill('SIGKILL');
}

function capture(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`server did not answer within 90 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startNodeWorker(databaseUrl: string): Promise<WorkerServer> {
  const port = await freePort();
  const inspectorPort = await freePort();
  // The inspector only answers Runtime.getHeapUsage here; with no debugger pausing it costs nothing.
  const args = ['--import', 'tsx', `--inspect=127.0.0.1:${inspectorPort}`, NODE_ENTRY];
  const child = spawn(process.execPath, args, {
    cwd: BENCH_DIR, // where `tsx` resolves
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl, HAUL_TOKEN: BENCH_TOKEN, PORT: String(port) },
  });
  const output = capture(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, output);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  const pid = child.pid!;
  return { url, memoryPids: () => [pid], inspectorPort, stop: () => stopGroup(child) };
}

/** workerd's processes under the wrangler child, found once it answers (wrangler starts them late). */
async function workerdPids(wranglerPid: number): Promise<number[]> {
  const tree = await descendants(wranglerPid);
  return tree.filter((entry) => entry.comm.startsWith('workerd')).map((entry) => entry.pid);
}

/** Workers entry under `wrangler dev` (local workerd), as the tests start it. Its shard cap is 5. */
export async function startWorkerd(databaseUrl: string): Promise<WorkerServer> {
  const inspectorPort = await freePort();
  const workerd = await startWranglerDev({
    entry: CLOUDFLARE_ENTRY,
    vars: { DATABASE_URL: databaseUrl, HAUL_TOKEN: BENCH_TOKEN },
    inspectorPort,
  });
  let pids: number[];
  try {
    pids = await workerdPids(workerd.pid);
  } catch (error) {
    await workerd.stop();
    throw error;
  }
  return { url: workerd.url, memoryPids: () => pids, inspectorPort, stop: () => workerd.stop() };
}

/**
 * The same Workers entry in workerd through Miniflare: no proxy worker between the client and the
 * isolate. No inspector or memory here: W2 only needs its URL.
 */
export async function startBareWorkerd(databaseUrl: string): Promise<WorkerServer> {
  const workerd = await startMiniflare({
    entry: CLOUDFLARE_ENTRY,
    vars: { DATABASE_URL: databaseUrl, HAUL_TOKEN: BENCH_TOKEN },
  });
  return { url: workerd.url, memoryPids: () => [], inspectorPort: 0, stop: () => workerd.stop() };
}
