/**
 * A few lines of DOM building instead of a framework: `h('button', { testId, onclick }, 'Load')`.
 * Props: `class`, `testId` (→ data-testid), `dataset`, `on<event>` functions (listeners), DOM
 * properties for `value`/`checked`/… and attributes for everything else (true → present, false or
 * undefined → absent).
 */
import type { TestId } from './test-ids.ts';

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export type Props = {
  class?: string;
  testId?: TestId;
  dataset?: Record<string, string>;
  [name: string]: unknown;
};

/** Set as properties rather than attributes (their attribute is only the initial value). */
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'indeterminate', 'selected']);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'class') element.className = String(value);
    else if (name === 'testId') element.dataset['testid'] = String(value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value as EventListener);
    } else if (PROPERTIES.has(name)) (element as unknown as Record<string, unknown>)[name] = value;
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let nextId = 0;
/** A unique element id, for label `for` / aria-describedby. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled control: `<div class="field"><label for=…>text</label>control hint</div>`. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  control.id ||= uniqueId('field');
  const labelElement = h('label', { for: control.id }, label);
  let hintElement: HTMLElement | undefined;
  if (hint) {
    hintElement = h('small', { id: uniqueId('hint'), class: 'hint' }, hint);
    control.setAttribute('aria-describedby', hintElement.id);
  }
  const checkbox = control instanceof HTMLInputElement && control.type === 'checkbox';
  return h(
    'div',
    { class: checkbox ? 'field field-checkbox' : 'field' },
    checkbox ? [control, labelElement] : [labelElement, control],
    hintElement,
  );
}

/** `<select>` with the given options, the first (or `selected`) chosen. */
export function select(
  props: Props,
  options: readonly (string | { value: string; label: string })[],
  selected?: string,
): HTMLSelectElement {
  const element = h('select', props);
  for (const option of options) {
    const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
    element.append(h('option', { value, selected: value === selected }, label));
  }
  return element;
}

/** A titled section with a heading tied to it for screen readers. */
export function section(title: string, ...children: Child[]): HTMLElement {
  const heading = h('h2', { id: uniqueId('section') }, title);
  return h('section', { class: 'panel', 'aria-labelledby': heading.id }, heading, ...children);
}
