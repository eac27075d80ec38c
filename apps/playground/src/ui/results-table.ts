/** A scrollable data table (the preview and SQL results), NULL shown as such, long values clipped. */
import { displayText } from '../source/preview.ts';
import { h, type Props } from './dom.ts';

const MAX_CELL_CHARS = 200;

export function resultsTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  props: Props & { caption?: string } = {},
): HTMLDivElement {
  const { caption, ...tableProps } = props;
  const table = h(
    'table',
    { class: 'data', ...tableProps },
    caption ? h('caption', {}, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          {},
          columns.map((_, i) => cell(row[i])),
        ),
      ),
    ),
  );
  // Focusable so keyboard users can scroll a wide table.
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption ?? 'table' },
    table,
  );
}

function cell(value: unknown): HTMLTableCellElement {
  const text = displayText(value);
  if (text === null) return h('td', { class: 'null' }, 'NULL');
  const clipped = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
  return h('td', text.length > MAX_CELL_CHARS ? { title: text } : {}, clipped);
}
