/**
 * The SQL console: statements split at top-level `;`, sent as one pipeline (worker: our protocol core
 * in this page over the worker's WebSocket proxy; offline: PGlite), independent or atomic; per-statement
 * results with timing, errors with SQLSTATE and the position marked. Run, or Ctrl+Enter.
 */

import { splitStatements } from '../sql/split-statements.ts';
import type { AppState } from '../state/app-state.ts';
import { field, h, replaceChildren, section, select } from './dom.ts';
import { formatMs } from './format.ts';
import { sqlResultView } from './sql-result-view.ts';
import { TEST_IDS } from './test-ids.ts';

const STARTER = 'select now() as now, version();\nselect 1 + 1 as two;';

export function sqlPanel(state: AppState): HTMLElement {
  const input = h('textarea', {
    testId: TEST_IDS.sqlInput,
    rows: 6,
    spellcheck: 'false',
    autocapitalize: 'off',
    value: STARTER,
  });
  const sync = select({ testId: TEST_IDS.syncMode }, ['independent', 'atomic']);
  const run = h('button', { type: 'button', testId: TEST_IDS.runSql, class: 'primary' }, 'Run');
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'sql-results' });
  let edited = false;
  let running = false;
  input.addEventListener('input', () => {
    edited = true;
  });

  state.loadedTable.subscribe((table) => {
    if (table && !edited) input.value = `select count(*) from ${table};\nselect * from ${table} limit 10;`;
  });
  const refresh = () => {
    run.disabled = running || !state.engine.value;
    if (!state.engine.value) status.textContent = 'Connect (or go offline) to run SQL.';
    else if (!running && status.textContent?.startsWith('Connect')) status.textContent = '';
  };
  state.engine.subscribe(refresh);

  const execute = async () => {
    const engine = state.engine.value;
    if (!engine || running) return;
    const statements = splitStatements(input.value);
    if (statements.length === 0) {
      status.textContent = 'Nothing to run.';
      return;
    }
    running = true;
    refresh();
    status.textContent = `Running ${statements.length} statement${statements.length === 1 ? '' : 's'}…`;
    const started = performance.now();
    try {
      const outcome = await engine.sql(
        statements.map((s) => ({ sql: s.sql })),
        sync.value as 'independent' | 'atomic',
      );
      const failed = outcome.filter((r) => !r.ok).length;
      status.textContent =
        `${statements.length} statement${statements.length === 1 ? '' : 's'} in one pipeline, ${formatMs(performance.now() - started)}` +
        (failed > 0 ? ` · ${failed} failed` : '');
      replaceChildren(
        results,
        outcome.map((result, i) => sqlResultView(i, statements[i]!, result)),
      );
      state.tablesChanged.set(state.tablesChanged.value + 1);
    } catch (error) {
      status.textContent = '';
      replaceChildren(
        results,
        h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
      );
    } finally {
      running = false;
      refresh();
    }
  };
  run.addEventListener('click', () => void execute());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void execute();
    }
  });
  refresh();

  return section(
    'SQL console',
    field('Statements', input, 'separate with ; — Ctrl+Enter runs them'),
    h(
      'div',
      { class: 'row' },
      field('Sync', sync, 'independent: each on its own; atomic: all or nothing'),
      h('div', { class: 'actions' }, run),
    ),
    status,
    results,
  );
}
