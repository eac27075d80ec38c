/** The source's columns against the target's: header → column, with unknown and missing ones flagged. */
import type { SourceFile, TargetState } from '../state/app-state.ts';
import { h } from './dom.ts';

export function columnMapping(source: SourceFile | null, target: TargetState): Node | null {
  if (!source) return null;
  const names = source.preview.header ?? source.preview.inferred.map((c) => c.name);
  if (names.length === 0) return null;
  const rows: HTMLTableRowElement[] = [];
  let unknown = 0;
  if (target.status === 'exists') {
    const columns = new Map(target.detail.columns.map((c) => [c.name, c]));
    const byPosition = source.preview.header === null;
    const writable = target.detail.columns.filter((c) => !c.generated);
    names.forEach((name, i) => {
      const column = byPosition ? writable[i] : columns.get(name);
      if (!column) unknown++;
      rows.push(
        h(
          'tr',
          { class: column ? '' : 'unknown' },
          h('td', {}, h('code', {}, name)),
          h('td', { 'aria-hidden': 'true' }, '→'),
          column
            ? h('td', {}, h('code', {}, column.name), ' ', h('span', { class: 'type' }, column.type))
            : h('td', { class: 'flag' }, byPosition ? 'no column at this position' : 'unknown column'),
        ),
      );
    });
    const given = new Set(byPosition ? writable.slice(0, names.length).map((c) => c.name) : names);
    for (const c of target.detail.columns) {
      if (given.has(c.name) || c.generated) continue;
      const required = c.notNull && !c.hasDefault && !c.identity;
      rows.push(
        h(
          'tr',
          { class: required ? 'unknown' : 'absent' },
          h('td', { class: 'flag' }, required ? 'missing (not null!)' : 'not in the file'),
          h('td', { 'aria-hidden': 'true' }, '→'),
          h('td', {}, h('code', {}, c.name), ' ', h('span', { class: 'type' }, c.type)),
        ),
      );
      if (required) unknown++;
    }
  } else {
    for (const c of source.preview.inferred) {
      rows.push(
        h(
          'tr',
          {},
          h('td', {}, h('code', {}, c.name)),
          h('td', { 'aria-hidden': 'true' }, '→'),
          h('td', {}, h('code', {}, c.name), ' ', h('span', { class: 'type' }, `${c.type} (inferred)`)),
        ),
      );
    }
  }
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'mapping-table' },
      h(
        'caption',
        {},
        'Column mapping',
        unknown > 0
          ? h(
              'span',
              { class: 'flag' },
              ` · ${unknown} problem${unknown === 1 ? '' : 's'}: the load will fail`,
            )
          : null,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'file'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'maps to')),
          h('th', { scope: 'col' }, 'table'),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
