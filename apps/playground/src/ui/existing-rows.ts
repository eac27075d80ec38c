/**
 * What a load does with the rows the table has: "On an existing key" (error, skip, update) with the
 * key picked from the target's primary key and unique indexes, and "Replace the table's rows". Either
 * makes the load a staged one (the worker publishes it in one transaction).
 */
import type { LoadRequest } from '../engine/contract.ts';
import type { AppState } from '../state/app-state.ts';
import { field, h, select } from './dom.ts';
import { TEST_IDS } from './test-ids.ts';

const CONFLICTS = [
  { value: 'error', label: 'fail the load' },
  { value: 'skip', label: 'keep the table’s row' },
  { value: 'update', label: 'update it from the file' },
];

export interface ExistingRowsControls {
  element: HTMLElement;
  /** Adds the choices to a load request (nothing when they are the defaults). */
  applyTo(request: LoadRequest): void;
}

export function existingRowsControls(state: AppState): ExistingRowsControls {
  const conflict = select({ testId: TEST_IDS.conflict }, CONFLICTS);
  const key = h('select', { testId: TEST_IDS.conflictKey, disabled: true });
  const replace = h('input', { type: 'checkbox', testId: TEST_IDS.replace });

  const keysOf = (): string[][] => {
    const target = state.target.value;
    return target.status === 'exists' ? target.detail.uniqueKeys : [];
  };
  const refresh = () => {
    const keys = keysOf();
    const chosen = key.value;
    key.replaceChildren(
      ...keys.map((columns) => {
        const value = columns.join(', ');
        return h('option', { value, selected: value === chosen }, value);
      }),
    );
    // No key to name: the table is new, or has neither a primary key nor a unique index.
    conflict.disabled = keys.length === 0;
    if (keys.length === 0) conflict.value = 'error';
    key.disabled = conflict.value === 'error';
    replace.disabled = state.target.value.status !== 'exists';
    if (replace.disabled) replace.checked = false;
  };
  state.target.subscribe(refresh);
  conflict.addEventListener('change', refresh);
  refresh();

  return {
    element: h(
      'div',
      { class: 'row' },
      field('On an existing key', conflict, 'needs a primary key or unique index'),
      field('Key', key, 'the table’s unique keys'),
      field('Replace the table’s rows', replace, 'readers see the old rows or the new, never neither'),
    ),
    applyTo(request) {
      if (conflict.value !== 'error' && key.value !== '') {
        request.conflict = conflict.value as 'skip' | 'update';
        request.key = key.value.split(', ');
      }
      if (replace.checked) request.replace = true;
    },
  };
}
