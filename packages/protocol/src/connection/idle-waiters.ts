/** Callers of close() waiting for the connection to go idle (nothing in flight, nothing queued). */
export class IdleWaiters {
  #waiters: (() => void)[] = [];

  /** Resolves false once woken, true if `timeoutMs` passed first; at once (false) if `idle` already. */
  wait(idle: boolean, timeoutMs: number): Promise<boolean> {
    if (idle) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  /** The connection went idle or failed: every waiter returns. */
  wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
