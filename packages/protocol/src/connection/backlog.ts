/**
 * Units waiting to be encoded, oldest first, with what enqueue needs to know in O(1): whether a COPY
 * is among them (a unit queued behind one gets a busy timer), and removal of a unit its caller gave
 * up on without scanning for it.
 */
import { TimeoutError } from '../errors.ts';
import { Fifo } from './fifo.ts';
import { settleWith } from './pipeline.ts';
import type { Unit } from './request-encoder.ts';

export class Backlog {
  readonly #units = new Fifo<Unit>();
  /** Units of policy `copy` queued now. */
  #copies = 0;

  get length(): number {
    return this.#units.length;
  }

  /** A COPY is queued, so a unit behind it may wait for its whole data phase. */
  get holdsCopy(): boolean {
    return this.#copies > 0;
  }

  /**
   * Queues `unit`. One that lands behind a COPY (the connection is `copying`, or one is queued) fails
   * after `busyTimeout` ms with a clear error instead of waiting for the whole data phase.
   */
  push(unit: Unit, copying = false, busyTimeout = 0): void {
    if ((copying || this.holdsCopy) && busyTimeout > 0) this.armQueueTimer(unit, busyTimeout);
    unit.backlogPosition = this.#units.push(unit);
    if (unit.policy === 'copy') this.#copies++;
  }

  private armQueueTimer(unit: Unit, limit: number): void {
    unit.queueTimer = setTimeout(() => {
      unit.queueTimer = undefined;
      if (!this.remove(unit)) return;
      const error = new TimeoutError(
        `connection busy with a COPY for ${limit} ms; the request was not sent (use another connection, or raise busyTimeout)`,
        'queue',
      );
      for (const st of unit.statements) settleWith(st, error);
    }, limit);
  }

  peek(): Unit | undefined {
    return this.#units.peek();
  }

  shift(): Unit | undefined {
    const unit = this.#units.shift();
    if (unit) this.#left(unit);
    return unit;
  }

  /** Takes `unit` out if it is still queued; false if it was sent (or dropped) already. */
  remove(unit: Unit): boolean {
    if (unit.backlogPosition < 0 || !this.#units.remove(unit, unit.backlogPosition)) return false;
    this.#left(unit);
    return true;
  }

  /** Empties the backlog (the connection failed), oldest first. */
  drain(): Unit[] {
    const units = this.#units.drain();
    for (const unit of units) this.#left(unit);
    return units;
  }

  #left(unit: Unit): void {
    unit.backlogPosition = -1;
    if (unit.policy === 'copy') this.#copies--;
    if (unit.queueTimer !== undefined) {
      clearTimeout(unit.queueTimer);
      unit.queueTimer = undefined;
    }
  }
}
