/** Export: a table as CSV or NDJSON, through the worker's partitioned export (one snapshot). */
import type { AppState } from '../state/app-state.ts';
import { field, h, replaceChildren, section, select, uniqueId } from './dom.ts';
import { saveBlob } from './download.ts';
import { formatBytes } from './format.ts';
import { TEST_IDS } from './test-ids.ts';

export function exportPanel(state: AppState): HTMLElement {
  const tableList = h('datalist', { id: uniqueId('tables') });
  const table = h('input', {
    type: 'text',
    testId: TEST_IDS.exportTable,
    list: tableList.id,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const format = select({ testId: TEST_IDS.exportFormat }, ['csv', 'ndjson'], 'csv');
  const partitions = h('input', {
    type: 'number',
    min: 1,
    max: 1,
    step: 1,
    value: '1',
    inputmode: 'numeric',
  });
  const partitionOn = h('input', {
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'e.g. id',
  });
  const button = h('button', { type: 'button', testId: TEST_IDS.exportButton, class: 'primary' }, 'Export');
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });

  const refreshTables = async () => {
    const engine = state.engine.value;
    button.disabled = !engine;
    partitions.max = String(engine?.maxShards ?? 1);
    if (!engine) return;
    try {
      const tables = await engine.tables();
      replaceChildren(
        tableList,
        tables.map((t) => h('option', { value: t.schema === 'public' ? t.name : `${t.schema}.${t.name}` })),
      );
    } catch {
      // the connection status already says what is wrong
    }
  };
  state.engine.subscribe(() => void refreshTables());
  state.tablesChanged.subscribe(() => void refreshTables());
  state.loadedTable.subscribe((loaded) => {
    if (loaded) table.value = loaded;
  });

  button.addEventListener('click', async () => {
    const engine = state.engine.value;
    const name = table.value.trim();
    if (!engine || name === '') {
      status.textContent = 'Name a table to export.';
      return;
    }
    button.disabled = true;
    status.textContent = `Exporting ${name}…`;
    try {
      const options: { partitions?: number; partitionOn?: string } = {};
      const n = Math.floor(Number(partitions.value) || 1);
      if (partitionOn.value.trim()) {
        options.partitionOn = partitionOn.value.trim();
        options.partitions = n;
      } else if (n > 1) {
        status.textContent = 'More than one partition needs a column to partition on.';
        return;
      }
      const blob = await engine.exportTable(name, format.value as 'csv' | 'ndjson', options);
      saveBlob(blob, `${name}.${format.value}`);
      status.textContent = `Downloaded ${name}.${format.value} (${formatBytes(blob.size)}).`;
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      button.disabled = !state.engine.value;
    }
  });
  button.disabled = true;

  return section(
    'Export',
    h(
      'div',
      { class: 'row' },
      field('Table', table),
      tableList,
      field('Format', format),
      field('Partitions', partitions),
      field('Partition on', partitionOn, 'a column (integer, numeric, date or text)'),
    ),
    h('div', { class: 'actions' }, button),
    status,
  );
}
