/**
 * A first-in first-out queue with O(1) push, shift and removal of any element, for the connection's
 * backlog and the pipeline's segments. A plain array's shift() is a memmove once the array is large,
 * and indexOf/splice to drop one request is a scan; at 20k pipelined statements either made queueing
 * quadratic. Removal leaves a hole that shift() steps over, so every element is visited a bounded
 * number of times however it leaves.
 */

/**
 * Slots looked at by every Fifo (holes included), for the complexity tests: they count work at N and
 * 4N instead of timing it. One increment per slot; never read by the library itself.
 */
export const fifoWork = { visits: 0 };

/** Below this many consumed slots the array is not worth compacting. */
const COMPACT_MIN = 1024;

export class Fifo<T extends object> {
  #items: (T | undefined)[] = [];
  /** Index in #items of the first slot not yet consumed. */
  #head = 0;
  /** Position of #items[0] since the queue was created: positions are never reused. */
  #base = 0;
  #live = 0;

  /** Elements queued (holes not counted). */
  get length(): number {
    return this.#live;
  }

  /** Appends `item`; the position returned identifies it to remove(). */
  push(item: T): number {
    this.#items.push(item);
    this.#live++;
    fifoWork.visits++;
    return this.#base + this.#items.length - 1;
  }

  /** The oldest element still queued, or undefined. Holes before it are consumed on the way. */
  peek(): T | undefined {
    const items = this.#items;
    while (this.#head < items.length) {
      fifoWork.visits++;
      const item = items[this.#head];
      if (item !== undefined) return item;
      this.#head++;
    }
    this.#compact();
    return undefined;
  }

  shift(): T | undefined {
    const item = this.peek();
    if (item === undefined) return undefined;
    this.#items[this.#head++] = undefined;
    this.#live--;
    this.#compact();
    return item;
  }

  /** Drops `item`, queued at `position` by push(); false if it is no longer there. */
  remove(item: T, position: number): boolean {
    const at = position - this.#base;
    if (at < this.#head || at >= this.#items.length || this.#items[at] !== item) return false;
    fifoWork.visits++;
    this.#items[at] = undefined;
    this.#live--;
    return true;
  }

  /** Empties the queue, returning what was in it, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    const items = this.#items;
    for (let i = this.#head; i < items.length; i++) {
      fifoWork.visits++;
      const item = items[i];
      if (item !== undefined) out.push(item);
    }
    this.#base += items.length;
    this.#items = [];
    this.#head = 0;
    this.#live = 0;
    return out;
  }

  /** Drops consumed slots once they are at least half the array (amortised O(1) per element). */
  #compact(): void {
    const items = this.#items;
    if (this.#head === items.length) {
      this.#base += items.length;
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= COMPACT_MIN && this.#head * 2 >= items.length) {
      fifoWork.visits += items.length - this.#head;
      this.#items = items.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
  }
}
