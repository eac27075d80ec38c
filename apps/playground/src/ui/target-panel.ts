/**
 * The target table: its name; its columns when it exists, else the CREATE TABLE Haul would run (from
 * the preview's inferred schema) and the "create table" checkbox; and how the source's columns map
 * onto the table's, unknown ones flagged.
 */
import { createTableSql } from '@haul/loader';
import type { AppState, TargetState } from '../state/app-state.ts';
import { columnMapping } from './column-mapping.ts';
import { field, h, replaceChildren, section } from './dom.ts';
import { TEST_IDS } from './test-ids.ts';

const LOOKUP_DELAY_MS = 250;

export function targetPanel(state: AppState): HTMLElement {
  const tableName = h('input', {
    type: 'text',
    testId: TEST_IDS.tableName,
    value: state.tableName.value,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'e.g. events or analytics.events',
  });
  const createTable = h('input', {
    type: 'checkbox',
    testId: TEST_IDS.createTable,
    checked: state.createTable.value,
  });
  const schema = h('div', { class: 'schema', testId: TEST_IDS.schema, 'aria-live': 'polite' });
  const mapping = h('div', { class: 'mapping' });

  tableName.addEventListener('input', () => state.tableName.set(tableName.value.trim()));
  createTable.addEventListener('change', () => state.createTable.set(createTable.checked));
  state.tableName.subscribe((name) => {
    if (tableName.value.trim() !== name) tableName.value = name;
  });
  state.createTable.subscribe((on) => {
    createTable.checked = on;
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  // A lookup overtaken by a newer one is left to finish and its answer dropped: aborting it would show
  // as a failed request in the browser's console.
  const lookup = () => {
    clearTimeout(timer);
    const mine = ++generation;
    const engine = state.engine.value;
    const table = state.tableName.value;
    if (!engine || table === '') {
      state.target.set({ status: 'idle' });
      return;
    }
    // A refresh of the table already shown (after a load or a SQL run) keeps it on screen until the
    // answer comes, rather than flashing "Looking up…".
    const shown = state.target.value;
    if (shown.status === 'idle' || shown.table !== table) state.target.set({ status: 'loading', table });
    timer = setTimeout(async () => {
      try {
        const detail = await engine.table(table);
        if (mine !== generation) return;
        state.target.set(detail ? { status: 'exists', table, detail } : { status: 'missing', table });
      } catch (error) {
        if (mine !== generation) return;
        state.target.set({
          status: 'error',
          table,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }, LOOKUP_DELAY_MS);
  };
  state.engine.subscribe(lookup);
  state.tableName.subscribe(lookup);
  state.tablesChanged.subscribe(lookup);

  const render = () => {
    const target = state.target.value;
    const source = state.source.value;
    createTable.disabled = target.status === 'exists';
    schema.dataset['state'] = target.status;
    replaceChildren(schema, schemaView(target, state));
    replaceChildren(mapping, columnMapping(source, target));
  };
  state.target.subscribe(render);
  state.source.subscribe(render);
  state.createTable.subscribe(render);
  render();

  return section(
    'Target table',
    h(
      'div',
      { class: 'row' },
      field('Table', tableName),
      field('Create table if it does not exist', createTable),
    ),
    schema,
    mapping,
  );
}

function schemaView(target: TargetState, state: AppState): Node | string {
  switch (target.status) {
    case 'idle':
      return state.engine.value ? 'Name the table to load into.' : 'Connect to see the table.';
    case 'loading':
      return `Looking up ${target.table}…`;
    case 'error':
      return h('p', { class: 'error', role: 'alert' }, target.message);
    case 'exists':
      return h(
        'div',
        {},
        h('p', {}, `${target.detail.schema}.${target.detail.name} exists; rows are appended to it.`),
        h(
          'ul',
          { class: 'columns', 'aria-label': `Columns of ${target.detail.name}` },
          target.detail.columns.map((c) =>
            h(
              'li',
              {},
              h('code', {}, c.name),
              ' ',
              h('span', { class: 'type' }, c.type),
              c.notNull ? h('span', { class: 'tag' }, 'not null') : null,
              c.hasDefault || c.identity
                ? h('span', { class: 'tag' }, c.identity ? 'identity' : 'default')
                : null,
              c.generated ? h('span', { class: 'tag' }, 'generated') : null,
            ),
          ),
        ),
      );
    case 'missing': {
      const inferred = state.source.value?.preview.inferred ?? [];
      if (inferred.length === 0)
        return `${target.table} does not exist yet. Choose a file to see the table Haul would create.`;
      let sql: string;
      try {
        sql = createTableSql(target.table, inferred);
      } catch (error) {
        return h(
          'p',
          { class: 'error', role: 'alert' },
          error instanceof Error ? error.message : String(error),
        );
      }
      return h(
        'div',
        {},
        h(
          'p',
          {},
          state.createTable.value
            ? `${target.table} does not exist yet: the load creates it first with`
            : `${target.table} does not exist, and "Create table" is off: the load will fail. Haul would run`,
        ),
        h('pre', { class: 'sql' }, h('code', {}, `${sql};`)),
      );
    }
  }
}
