/**
 * Many producers, one consumer, pull-driven: each producer hands over one chunk at a time and waits
 * until the consumer has taken it, so a producer that gets ahead stops reading (and its COPY stops
 * the server through TCP) instead of filling memory. Chunks go out in the order they were offered.
 */

interface Offered<T> {
  value: T;
  taken: () => void;
  dropped: (reason: unknown) => void;
}

type Ending = { failed: false } | { failed: true; error: unknown };

export class MergeQueue<T> {
  private readonly offered: Offered<T>[] = [];
  private waiter: (() => void) | null = null;
  private abortedWith: { reason: unknown } | null = null;
  private ending: Ending | null = null;

  /** Resolves once the consumer has taken `value`; rejects if the queue is aborted first. */
  put(value: T): Promise<void> {
    if (this.abortedWith) return Promise.reject(this.abortedWith.reason);
    if (this.ending) return Promise.reject(new Error('MergeQueue.put after the queue ended'));
    return new Promise<void>((taken, dropped) => {
      this.offered.push({ value, taken, dropped });
      this.wake();
    });
  }

  /** The next chunk; done after end(); rejects after fail(). Waits while neither has happened. */
  async take(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const next = this.offered.shift();
      if (next) {
        next.taken();
        return { done: false, value: next.value };
      }
      if (this.ending) {
        if (this.ending.failed) throw this.ending.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /**
   * Stops accepting chunks and drops those waiting: their producers' puts reject with `reason`. The
   * consumer keeps waiting for end() or fail(), so it learns the outcome only once cleanup is done.
   */
  abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    for (const item of this.offered.splice(0)) item.dropped(reason);
  }

  end(): void {
    this.finish({ failed: false });
  }

  fail(error: unknown): void {
    this.abort(error);
    this.finish({ failed: true, error });
  }

  private finish(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
