/**
 * The load's watchdog for a server that stops answering: a socket whose peer stops reading blocks a
 * COPY's writes forever, and a COMMIT whose answer never comes waits forever, with no error from the
 * protocol. While the load waits on the server (for a shard to take a chunk, for the COPYs to end, for
 * the commit), a tick compares a progress count with the last one; unchanged for `timeoutMs`, the load
 * fails with StallError. Time spent reading the source is not counted: a slow source is no stall.
 */
import { StallError } from '../errors.ts';

export class StallWatch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private waitingFor: StallError['waitingFor'] | null = null;
  private lastCount = -1;
  private lastChange = 0;

  constructor(
    private readonly timeoutMs: number,
    /** Any number that grows whenever the server does something (chunks sent, COPYs ended, rejects). */
    private readonly progress: () => number,
    private readonly onStall: (error: StallError) => void,
  ) {}

  /** Runs `wait` as time spent waiting on the server. */
  async waitOn<T>(what: StallError['waitingFor'], wait: () => Promise<T>): Promise<T> {
    if (this.timeoutMs <= 0) return wait();
    this.waitingFor = what;
    this.lastCount = this.progress();
    this.lastChange = Date.now();
    this.timer ??= setInterval(() => this.tick(), Math.max(10, Math.min(1000, this.timeoutMs / 4)));
    try {
      return await wait();
    } finally {
      this.waitingFor = null;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (this.waitingFor === null) return;
    const count = this.progress();
    const now = Date.now();
    if (count !== this.lastCount) {
      this.lastCount = count;
      this.lastChange = now;
    } else if (now - this.lastChange >= this.timeoutMs) {
      const what = this.waitingFor;
      this.stop();
      this.onStall(new StallError(this.timeoutMs, what));
    }
  }
}
