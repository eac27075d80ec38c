/**
 * The source: drop a CSV/TSV/NDJSON file (or click to pick one), or generate sample data; then the
 * format as read, and a preview of the first rows parsed in the page from the first ~64 KiB.
 */
import { describeSource, formatOf, SourceError, tableNameFor } from '../source/choose-source.ts';
import { PREVIEW_BYTES } from '../source/preview.ts';
import { DEFAULT_SAMPLE_ROWS, generateSampleCsv, MAX_SAMPLE_ROWS } from '../source/sample-data.ts';
import type { AppState, SourceFile, SourceFormat } from '../state/app-state.ts';
import { field, h, replaceChildren, section, select } from './dom.ts';
import { formatBytes, formatCount } from './format.ts';
import { resultsTable } from './results-table.ts';
import { TEST_IDS } from './test-ids.ts';

export const SAMPLE_TABLE = 'haul_sample';

export function sourcePanel(state: AppState): HTMLElement {
  const fileInput = h('input', {
    type: 'file',
    testId: TEST_IDS.fileInput,
    class: 'visually-hidden',
    accept: '.csv,.tsv,.txt,.ndjson,.jsonl,.gz,text/csv',
    tabindex: -1,
    'aria-hidden': 'true',
  });
  const dropZone = h(
    'div',
    {
      class: 'drop-zone',
      role: 'button',
      tabindex: 0,
      testId: TEST_IDS.dropZone,
      'aria-label': 'Choose a CSV, TSV or NDJSON file, or drop one here',
    },
    h('strong', {}, 'Drop a CSV, TSV or NDJSON file here'),
    h('span', {}, 'or click to choose one (gzipped is fine)'),
  );
  const sampleRows = h('input', {
    type: 'number',
    testId: TEST_IDS.sampleRows,
    min: 1,
    max: MAX_SAMPLE_ROWS,
    step: 1,
    value: String(DEFAULT_SAMPLE_ROWS),
    inputmode: 'numeric',
  });
  const generate = h('button', { type: 'button', testId: TEST_IDS.generateSample }, 'Generate sample');
  const format = select({}, ['csv', 'tsv', 'ndjson'], 'csv');
  const header = h('input', { type: 'checkbox', checked: true });
  const summary = h('p', { class: 'summary', role: 'status', 'aria-live': 'polite' }, 'No file chosen yet.');
  const previewHolder = h('div', { class: 'preview' });
  const emptyPreview = () =>
    resultsTable([], [], { testId: TEST_IDS.preview, caption: 'Preview: no rows yet' });
  previewHolder.append(emptyPreview());

  let generation = 0;
  /** The table name this panel last suggested, so a name the user typed is never replaced. */
  let autoName: string | undefined;
  const choose = async (
    blob: Blob,
    name: string,
    options: { format?: SourceFormat; header?: boolean } = {},
  ) => {
    const mine = ++generation;
    summary.textContent = `Reading ${name}…`;
    summary.dataset['state'] = 'busy';
    try {
      const chosenFormat = options.format ?? formatOf(name);
      const source = await describeSource(
        blob,
        name,
        chosenFormat,
        options.header ?? chosenFormat !== 'ndjson',
      );
      if (mine !== generation) return;
      format.value = source.format;
      header.checked = source.header;
      header.disabled = source.format === 'ndjson';
      // Name the table after the file, unless the user has named it themselves meanwhile.
      const current = state.tableName.value;
      if (current === '' || current === autoName) {
        autoName = name.startsWith('sample-') ? SAMPLE_TABLE : tableNameFor(name);
        state.tableName.set(autoName);
      }
      state.source.set(source);
    } catch (error) {
      if (mine !== generation) return;
      summary.dataset['state'] = 'error';
      summary.textContent =
        error instanceof SourceError || error instanceof Error ? error.message : String(error);
    }
  };

  const render = (source: SourceFile | null) => {
    if (!source) return;
    summary.dataset['state'] = 'ready';
    const { preview } = source;
    const gz = source.gzip ? ', gzip' : '';
    summary.textContent =
      `${source.name} · ${formatBytes(source.blob.size)} · ${source.format.toUpperCase()}${gz} · ` +
      `previewing ${Math.min(preview.rows.length, preview.sampledRows)} of the ${formatCount(preview.sampledRows)} rows ` +
      `in the first ${formatBytes(PREVIEW_BYTES)}`;
    const width = Math.max(preview.header?.length ?? 0, ...preview.rows.map((r) => r.length));
    const columns = preview.header ?? Array.from({ length: width }, (_, i) => `col${i + 1}`);
    replaceChildren(
      previewHolder,
      resultsTable(columns, preview.rows, {
        testId: TEST_IDS.preview,
        caption: `First rows of ${source.name}`,
      }),
    );
  };
  state.source.subscribe(render);

  const pickFirst = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (file) void choose(file, file.name);
  };
  fileInput.addEventListener('change', () => {
    pickFirst(fileInput.files);
    fileInput.value = '';
  });
  dropZone.addEventListener('click', () => fileInput.click());
  dropZone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      fileInput.click();
    }
  });
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    pickFirst(event.dataTransfer?.files);
  });
  generate.addEventListener('click', () => {
    const rows = Math.min(
      MAX_SAMPLE_ROWS,
      Math.max(1, Math.floor(Number(sampleRows.value) || DEFAULT_SAMPLE_ROWS)),
    );
    sampleRows.value = String(rows);
    summary.textContent = `Generating ${formatCount(rows)} rows…`;
    // Let the status paint before the generator takes the main thread.
    setTimeout(() => {
      const file = generateSampleCsv(rows);
      void choose(file, file.name, { format: 'csv', header: true });
    }, 0);
  });
  const reread = () => {
    const source = state.source.value;
    if (source)
      void choose(source.blob, source.name, { format: format.value as SourceFormat, header: header.checked });
  };
  format.addEventListener('change', reread);
  header.addEventListener('change', reread);

  return section(
    'Source',
    dropZone,
    fileInput,
    h('div', { class: 'row' }, field('Sample rows', sampleRows), generate),
    h('div', { class: 'row' }, field('Format', format), field('First line is a header', header)),
    summary,
    previewHolder,
  );
}
