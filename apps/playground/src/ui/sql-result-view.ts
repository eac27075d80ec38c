/** One statement's outcome in the console: its rows, or its error with the position marked in its SQL. */
import type { StatementOutcome, StatementResult } from '../engine/contract.ts';
import type { SplitStatement } from '../sql/split-statements.ts';
import { h } from './dom.ts';
import { formatCount, formatMs } from './format.ts';
import { resultsTable } from './results-table.ts';
import { TEST_IDS } from './test-ids.ts';

const MAX_ROWS_SHOWN = 500;

/**
 * What a failed statement did, in words; every outcome the worker's contract names has one (a new
 * outcome there fails to compile here). No outcome: the statement itself failed.
 */
const OUTCOME_TEXT: Record<StatementOutcome | 'failed', string> = {
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  'aborted-transaction': 'Ran, but its transaction is now failed: ROLLBACK it',
  skipped: 'Skipped',
};

export function sqlResultView(
  index: number,
  statement: SplitStatement,
  result: StatementResult,
): HTMLElement {
  const title = h('h3', {}, `#${index + 1}`, ' ', h('code', { class: 'statement' }, oneLine(statement.sql)));
  const article = h('article', {
    class: result.ok ? 'sql-result ok' : 'sql-result failed',
    testId: TEST_IDS.sqlResult,
    dataset: { index: String(index), ok: String(result.ok) },
  });
  if (!result.ok) {
    const { error } = result;
    const outcome = error.outcome ?? 'failed';
    article.dataset['outcome'] = outcome;
    article.append(
      title,
      h(
        'div',
        { class: 'sql-error', testId: TEST_IDS.sqlError, role: 'alert' },
        h(
          'p',
          { class: `outcome ${outcome}`, testId: TEST_IDS.sqlOutcome, dataset: { outcome } },
          OUTCOME_TEXT[outcome],
        ),
        h(
          'p',
          {},
          error.sqlstate ? h('span', { class: 'sqlstate' }, `SQLSTATE ${error.sqlstate}`) : null,
          ' ',
          error.message,
        ),
        error.detail ? h('p', { class: 'detail' }, `Detail: ${error.detail}`) : null,
        error.hint ? h('p', { class: 'detail' }, `Hint: ${error.hint}`) : null,
        error.position !== undefined ? markedSql(statement.sql, error.position) : null,
      ),
    );
    return article;
  }
  const summary = `${result.command}${result.rowCount !== null ? ` ${formatCount(result.rowCount)}` : ''}${
    result.ms !== undefined ? ` · ${formatMs(result.ms)}` : ''
  }`;
  article.append(title, h('p', { class: 'command' }, summary));
  if (result.fields.length > 0) {
    const columns = result.fields.map((f) => f.name);
    const rows = result.rows.slice(0, MAX_ROWS_SHOWN).map((row) => columns.map((c) => row[c]));
    const more =
      result.rows.length > MAX_ROWS_SHOWN
        ? ` (first ${MAX_ROWS_SHOWN} of ${formatCount(result.rows.length)})`
        : '';
    article.append(resultsTable(columns, rows, { caption: `Result of statement ${index + 1}${more}` }));
  }
  return article;
}

/** The statement with the character at the 1-based `position` marked, and a caret line under it. */
function markedSql(sql: string, position: number): HTMLElement {
  const at = Math.min(Math.max(position - 1, 0), sql.length);
  const end = Math.min(sql.length, at + Math.max(1, tokenLength(sql, at)));
  return h(
    'pre',
    { class: 'sql marked', 'aria-label': `Error at character ${position}` },
    sql.slice(0, at),
    h('mark', {}, sql.slice(at, end) || ' '),
    sql.slice(end),
  );
}

function tokenLength(sql: string, at: number): number {
  const match = /^[\w$]+|^\S/.exec(sql.slice(at));
  return match ? match[0].length : 1;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}
