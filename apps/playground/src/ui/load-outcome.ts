/** What a finished load shows: the report (rows, time, rate, COPY format, commit, per shard) or the error. */
import type { ErrorBody, LoadReport } from '../engine/contract.ts';
import { type Child, h } from './dom.ts';
import { formatBytes, formatCount, formatMs } from './format.ts';

export function reportView(report: LoadReport): Child[] {
  const verdict = report.committed
    ? `Loaded ${formatCount(report.rows)} rows into ${report.table}`
    : `Not committed: ${formatCount(report.rows)} rows were sent, then rolled back`;
  const facts: [string, string][] = [
    ['rows', formatCount(report.rows)],
    ['time', formatMs(report.ms)],
    ['rows/s', formatCount(report.rowsPerSecond)],
    ['bytes', formatBytes(report.bytes)],
    ['COPY format', report.copyFormat + (report.textReason ? ` (${report.textReason})` : '')],
    ['commit', report.commit],
    ['mode', report.mode],
    ['rejected', formatCount(report.rejected)],
  ];
  if (report.published) {
    const { inserted, updated, skipped, duplicates, deleted } = report.published;
    const parts = [`${formatCount(inserted)} inserted`];
    if (deleted > 0) parts.unshift(`${formatCount(deleted)} old rows deleted`);
    if (updated > 0) parts.push(`${formatCount(updated)} updated`);
    if (skipped > 0) parts.push(`${formatCount(skipped)} skipped (key already there)`);
    if (duplicates > 0) parts.push(`${formatCount(duplicates)} replaced by a later row of the same key`);
    facts.push(['published', parts.join(', ')]);
  }
  if (report.shardsReason) facts.push(['shards', report.shardsReason]);
  if (report.publishedBefore) {
    facts.push([
      'published',
      `by an earlier run at ${report.publishedBefore.publishedAt}; nothing loaded again`,
    ]);
  }
  if (report.resumedBatches) facts.push(['resumed batches', formatCount(report.resumedBatches)]);
  return [
    h('h3', {}, verdict),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    report.createdTable
      ? h(
          'details',
          {},
          h('summary', {}, 'Created the table with'),
          h('pre', { class: 'sql' }, report.createdTable),
        )
      : null,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data' },
        h('caption', {}, 'Per shard'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['shard', 'rows', 'bytes', 'time', 'state'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          report.shards.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, `#${s.shard + 1}`),
              h('td', {}, formatCount(s.rows)),
              h('td', {}, formatBytes(s.bytes)),
              h('td', {}, formatMs(s.ms)),
              h('td', {}, s.state),
            ),
          ),
        ),
      ),
    ),
  ];
}

/** The failure, naming line, column, value and SQLSTATE when the worker said them. */
export function errorView(info: ErrorBody, heading = 'Load failed'): Child[] {
  const where: string[] = [];
  if (info.line !== undefined) where.push(`line ${info.line}`);
  if (info.column !== undefined) where.push(`column ${info.column}`);
  if (info.value !== undefined) where.push(`value ${JSON.stringify(info.value)}`);
  if (info.sqlstate !== undefined) where.push(`SQLSTATE ${info.sqlstate}`);
  if (info.constraint !== undefined) where.push(`constraint ${info.constraint}`);
  const fate =
    info.rolledBack === true
      ? 'Nothing was committed: the load rolled back.'
      : info.rolledBack === false
        ? 'Some batches were committed before the failure.'
        : '';
  return [
    h('h3', {}, heading),
    where.length > 0 ? h('p', { class: 'where' }, where.join(' · ')) : null,
    h('p', { class: 'message' }, info.message),
    info.detail ? h('p', { class: 'detail' }, `Detail: ${info.detail}`) : null,
    info.hint ? h('p', { class: 'detail' }, `Hint: ${info.hint}`) : null,
    fate ? h('p', {}, fate) : null,
  ];
}
