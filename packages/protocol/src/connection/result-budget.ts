/**
 * The `limits` of a query or batch (ResultLimits) as a budget its statements draw rows from while the
 * DataRows arrive. Crossing a cap is decided per row, before the row is decoded, so memory never holds
 * more than the budget: the statement that crosses it lets go of its rows (giving their room back to
 * the others) and skips the rest of its rows unread.
 */
import { ConfigError, ResultLimitError } from '../errors.ts';
import type { ResultLimits } from './api.ts';
import { NO_ROWS, type PendingStatement } from './statement.ts';

/** Execute's row count is an int32, and the server is asked for one row past the cap. */
const MAX_ROWS_LIMIT = 2 ** 31 - 2;

export class ResultBudget {
  private rows = 0;
  private bytes = 0;

  private constructor(
    private readonly maxRows: number | undefined,
    private readonly maxBytes: number | undefined,
  ) {}

  /** The budget for `limits`, or null when there is none; a ConfigError for a limit that is no count. */
  static from(limits: ResultLimits | undefined): ResultBudget | null {
    if (!limits) return null;
    const { maxRows, maxBytes } = limits;
    check('maxRows', maxRows, MAX_ROWS_LIMIT);
    check('maxBytes', maxBytes, Number.MAX_SAFE_INTEGER);
    if (maxRows === undefined && maxBytes === undefined) return null;
    return new ResultBudget(maxRows, maxBytes);
  }

  /**
   * Execute's row limit for each statement: one past the cap, so the server stops a SELECT there (a
   * PortalSuspended) and the extra row proves the cap was crossed. 0 (no limit) without `maxRows`.
   */
  get executeMaxRows(): number {
    return this.maxRows === undefined ? 0 : this.maxRows + 1;
  }

  /** Whether `st` may keep a row of `size` bytes; false once it (or this row) crossed a cap. */
  admit(st: PendingStatement, size: number): boolean {
    if (st.limitError) return false;
    if (this.maxRows !== undefined && this.rows + 1 > this.maxRows) {
      this.refuse(st, 'rows', this.maxRows);
      return false;
    }
    if (this.maxBytes !== undefined && this.bytes + size > this.maxBytes) {
      this.refuse(st, 'bytes', this.maxBytes);
      return false;
    }
    this.rows++;
    this.bytes += size;
    st.keptBytes += size;
    return true;
  }

  private refuse(st: PendingStatement, limit: 'rows' | 'bytes', max: number): void {
    const kept = st.rows.length;
    this.rows -= kept;
    this.bytes -= st.keptBytes;
    st.rows = NO_ROWS;
    st.keptBytes = 0;
    const what = limit === 'rows' ? `${max} rows` : `${max} bytes of rows`;
    st.limitError = new ResultLimitError(
      `the result went past the limit of ${what} (limits.max${limit === 'rows' ? 'Rows' : 'Bytes'}) ` +
        `after ${kept} rows of this statement; its rows were not kept (the statement itself ran)`,
      limit,
      max,
    );
  }
}

function check(name: string, value: number | undefined, most: number): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > most) {
    throw new ConfigError(`limits.${name} must be an integer from 0 to ${most}, not ${String(value)}`);
  }
}
