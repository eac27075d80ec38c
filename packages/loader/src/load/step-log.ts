/**
 * The sparse "extra steps" of a COPY's row map (CopyRowMap): for each segment (the rows of one chunk),
 * the rows where a count jumps by more than one, with the jumps summed within the segment. One log per
 * map, appended at the back as chunks are sent and trimmed at the front as segments leave the map's
 * window, in typed arrays the log keeps: no allocation per chunk once they are big enough. A table per
 * segment was garbage that lived long enough to be promoted (M1: it made V8 grow its young generation
 * to the maximum, 16 MB more RSS, or, as small typed arrays, left off-heap buffers only an
 * old-generation GC frees).
 */
/** Tables are made on the first entry: most COPYs (one line per row) never need one. */
const EMPTY_AT = new Int32Array(0);
const EMPTY_CUMULATIVE = new Float64Array(0);
const FIRST_SIZE = 256;

export class StepLog {
  /** Row within its segment of each entry, and the segment's extra steps through it, summed. */
  private at = EMPTY_AT;
  private cumulative = EMPTY_CUMULATIVE;
  /** Entries ever appended, and ever trimmed: absolute indexes; entry i is at [i - shift]. */
  private end = 0;
  private start = 0;
  private shift = 0;
  /** The sum of the open segment so far. */
  private sum = 0;
  /** Pairs of tables made: flat in the COPY's size once the window's entries fit (tests count it). */
  tablesMade = 0;

  /** Absolute index of the next entry: a segment's entries are [its begin(), the next begin()). */
  begin(): number {
    this.sum = 0;
    return this.end;
  }

  /** An extra `steps` at row `row` of the open segment (rows ascending). */
  push(row: number, steps: number): void {
    if (this.end - this.shift === this.at.length) this.makeRoom();
    this.sum += steps;
    this.at[this.end - this.shift] = row;
    this.cumulative[this.end - this.shift] = this.sum;
    this.end++;
  }

  /** Absolute index past the last entry. */
  get length(): number {
    return this.end;
  }

  /** Entries kept. */
  get size(): number {
    return this.end - this.start;
  }

  /** The extra steps of entries [from, to) (a segment), summed. */
  total(from: number, to: number): number {
    return to > from ? this.cumulative[to - 1 - this.shift]! : 0;
  }

  /** The extra steps at the segment's rows 0…row: entries [from, to) are the segment's. */
  extraThrough(from: number, to: number, row: number): number {
    let lo = from - this.shift;
    let hi = to - this.shift;
    const first = lo;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at[mid]! <= row) lo = mid + 1;
      else hi = mid;
    }
    return lo === first ? 0 : this.cumulative[lo - 1]!;
  }

  /** Entries before absolute index `index` are no longer read. */
  trim(index: number): void {
    this.start = index;
  }

  /** Moves the kept entries to the front, or doubles the tables when they are more than half full. */
  private makeRoom(): void {
    const kept = this.end - this.start;
    const from = this.start - this.shift;
    if (kept > this.at.length / 2 || this.at.length === 0) {
      const at = new Int32Array(Math.max(FIRST_SIZE, this.at.length * 2));
      at.set(this.at.subarray(from, from + kept));
      const cumulative = new Float64Array(at.length);
      cumulative.set(this.cumulative.subarray(from, from + kept));
      this.at = at;
      this.cumulative = cumulative;
      this.tablesMade++;
    } else {
      this.at.copyWithin(0, from, from + kept);
      this.cumulative.copyWithin(0, from, from + kept);
    }
    this.shift = this.start;
  }
}
