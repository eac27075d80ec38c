/**
 * Load: shards, mode and on-error; Load and Cancel (the request is aborted and the worker rolls the
 * load back); live per-shard progress and rows/s while it runs; the report or the error after; and
 * rejected rows as a CSV download.
 */
import { EngineError, type LoadEvent, type LoadRequest, type RejectedRow } from '../engine/contract.ts';
import { rejectsCsv } from '../source/rejects-csv.ts';
import type { AppState } from '../state/app-state.ts';
import { field, h, replaceChildren, section, select } from './dom.ts';
import { setDownload } from './download.ts';
import { existingRowsControls } from './existing-rows.ts';
import { formatCount, formatMs } from './format.ts';
import { errorView, reportView } from './load-outcome.ts';
import { RateChart } from './rate-chart.ts';
import { ShardProgressView } from './shard-progress.ts';
import { TEST_IDS } from './test-ids.ts';

const DEFAULT_SHARDS = 4;

export function loadPanel(state: AppState): HTMLElement {
  const shards = h('input', {
    type: 'number',
    testId: TEST_IDS.shards,
    min: 1,
    max: 1,
    step: 1,
    value: '1',
    inputmode: 'numeric',
  });
  const mode = select({ testId: TEST_IDS.loadMode }, ['atomic', 'batches']);
  const onError = select({ testId: TEST_IDS.onError }, ['abort', 'reject']);
  const existing = existingRowsControls(state);
  const load = h(
    'button',
    { type: 'button', testId: TEST_IDS.load, class: 'primary', disabled: true },
    'Load',
  );
  const cancel = h('button', { type: 'button', testId: TEST_IDS.cancel, disabled: true }, 'Cancel');
  const why = h('small', { class: 'hint', id: 'load-why' });
  load.setAttribute('aria-describedby', why.id);
  const progress = new ShardProgressView();
  const chart = new RateChart();
  const rate = h('p', { class: 'rate', testId: TEST_IDS.rowsPerSecond, 'aria-live': 'off' }, '0 rows/s');
  const report = h('div', { class: 'report', testId: TEST_IDS.loadReport, hidden: true, role: 'status' });
  const failure = h('div', { class: 'load-error', testId: TEST_IDS.loadError, hidden: true, role: 'alert' });
  const rejectsLink = h(
    'a',
    { testId: TEST_IDS.rejectsDownload, hidden: true, download: 'rejects.csv', href: '#', class: 'button' },
    'Download rejected rows (CSV)',
  );
  const rejectsNote = h('p', { class: 'hint', hidden: true });

  let running: AbortController | undefined;
  const shardCount = () => Math.max(1, Math.min(Number(shards.max), Math.floor(Number(shards.value) || 1)));

  const refresh = () => {
    const engine = state.engine.value;
    const missing = !engine
      ? 'Connect first (or go offline).'
      : !state.source.value
        ? 'Choose a file or generate a sample.'
        : state.tableName.value === ''
          ? 'Name the target table.'
          : '';
    load.disabled = running !== undefined || missing !== '';
    cancel.disabled = running === undefined;
    why.textContent = running ? 'Loading…' : missing;
  };
  state.engine.subscribe((engine) => {
    const max = engine?.maxShards ?? 1;
    const wasMax = Number(shards.max);
    shards.max = String(max);
    if (wasMax <= 1 || Number(shards.value) > max) shards.value = String(Math.min(DEFAULT_SHARDS, max));
    progress.reset(shardCount());
    refresh();
  });
  state.source.subscribe(refresh);
  state.tableName.subscribe(refresh);
  shards.addEventListener('input', () => {
    if (!running) progress.reset(shardCount());
  });

  const run = async () => {
    const engine = state.engine.value;
    const source = state.source.value;
    const table = state.tableName.value;
    if (!engine || !source || !table) return;
    const request: LoadRequest = {
      format: source.format,
      shards: shardCount(),
      mode: mode.value as LoadRequest['mode'],
      onError: onError.value as LoadRequest['onError'],
      createTable: state.createTable.value,
    };
    if (source.format !== 'ndjson') request.header = source.header;
    existing.applyTo(request);
    const controller = new AbortController();
    running = controller;
    const rejects: RejectedRow[] = [];
    report.hidden = true;
    failure.hidden = true;
    rejectsLink.hidden = true;
    rejectsNote.hidden = true;
    progress.reset(request.shards);
    chart.reset();
    rate.textContent = 'starting…';
    refresh();
    const onEvent = (event: LoadEvent) => {
      if (event.type === 'progress') {
        progress.update(event, source.blob.size, source.gzip);
        chart.add(event.elapsedMs, event.rowsPerSecond);
        rate.textContent = `${formatCount(event.rowsPerSecond)} rows/s · ${formatCount(event.rows)} rows · ${formatMs(event.elapsedMs)}`;
      } else if (event.type === 'reject') {
        const { type: _type, ...row } = event;
        rejects.push(row);
      }
    };
    try {
      const final = await engine.load(table, source.blob, request, onEvent, controller.signal);
      if (final.type === 'report') {
        progress.finish(final);
        rate.textContent = `${formatCount(final.rowsPerSecond)} rows/s · ${formatCount(final.rows)} rows · ${formatMs(final.ms)}`;
        replaceChildren(report, reportView(final));
        report.dataset['rows'] = String(final.rows);
        report.dataset['committed'] = String(final.committed);
        report.hidden = false;
        if (final.committed) state.loadedTable.set(table);
      } else {
        progress.fail(final.error.rolledBack === false ? 'failed' : 'rolled-back');
        replaceChildren(failure, errorView(final.error));
        failure.hidden = false;
      }
    } catch (error) {
      if (controller.signal.aborted) {
        progress.fail('cancelled');
        replaceChildren(
          failure,
          errorView({ message: 'You cancelled the load; the worker rolls it back.' }, 'Load cancelled'),
        );
      } else {
        progress.fail('failed');
        const info =
          error instanceof EngineError && error.info
            ? { ...error.info, message: error.message }
            : { message: error instanceof Error ? error.message : String(error) };
        replaceChildren(failure, errorView(info));
      }
      failure.hidden = false;
    } finally {
      running = undefined;
      if (rejects.length > 0) {
        setDownload(rejectsLink, rejectsCsv(rejects), `${table}-rejects.csv`);
        rejectsLink.textContent = `Download ${formatCount(rejects.length)} rejected row${rejects.length === 1 ? '' : 's'} (CSV)`;
        rejectsLink.hidden = false;
        const first = rejects[0]!;
        rejectsNote.textContent = `First: line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.error}`;
        rejectsNote.hidden = false;
      }
      refresh();
      state.tablesChanged.set(state.tablesChanged.value + 1);
    }
  };
  load.addEventListener('click', () => void run());
  cancel.addEventListener('click', () =>
    running?.abort(new DOMException('cancelled by the user', 'AbortError')),
  );
  progress.reset(1);
  refresh();

  return section(
    'Load',
    h(
      'div',
      { class: 'row' },
      field('Shards', shards, 'parallel connections, each running one COPY'),
      field('Mode', mode, 'atomic: all or nothing; batches: commits as it goes'),
      field('On a bad row', onError, 'abort the load, or set the row aside'),
    ),
    existing.element,
    h('div', { class: 'actions' }, load, cancel, why),
    progress.element,
    h('div', { class: 'rate-box' }, rate, chart.element),
    report,
    failure,
    h('div', { class: 'rejects' }, rejectsLink, rejectsNote),
  );
}
