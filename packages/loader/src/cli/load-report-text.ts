/** The final report of `haul load` as a terminal reads it (`--json` prints the LoadReport itself). */
import type { LoadReport } from '../api.ts';
import { textTable } from './text-table.ts';
import { bytes, count, perSecond, seconds } from './units.ts';

const COMMIT_METHODS: Record<LoadReport['commit'], string> = {
  single: 'single (one shard, one COMMIT)',
  'two-phase': 'two-phase (PREPARE TRANSACTION on every shard, then COMMIT PREPARED)',
  barrier: 'barrier (every shard COMMITs once all finished their COPY; asked for)',
  batches: 'batches (each batch committed on its own)',
  staged: 'staged (batches into a staging table, then one publish transaction)',
};

function copyFormatText(report: LoadReport): string {
  if (report.copyFormat === 'binary') return 'binary';
  if (report.copyFormat === 'raw') return 'raw (source rows parsed by the server)';
  if (report.copyFormat === 'mixed') return 'mixed (raw and binary shards)';
  return report.textReason ? `text, because ${report.textReason}` : 'text';
}

/** Label/value lines, labels padded so the values line up. */
function fields(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

export interface ReportContext {
  /** The rejects file, when rows were rejected. */
  rejectsPath?: string;
}

export function loadReportText(report: LoadReport, context: ReportContext = {}): string {
  const verdict = report.committed ? 'loaded' : 'NOT committed:';
  const headline = `${verdict} ${count(report.rows)} rows into ${report.table}`;
  const entries: [string, string][] = [
    ['load id', report.loadId],
    ['rows', count(report.rows)],
    ['bytes', bytes(report.bytes)],
    ['time', seconds(report.ms)],
    ['rows/s', count(report.rowsPerSecond)],
    ['mode', report.mode],
    ['commit', COMMIT_METHODS[report.commit]],
    ...(report.shardsReason ? ([['shards', report.shardsReason]] as [string, string][]) : []),
    ['copy format', copyFormatText(report)],
    ['rejected', count(report.rejected)],
  ];
  if (report.rejected > 0 && context.rejectsPath) entries.push(['rejects file', context.rejectsPath]);
  if (report.publishedBefore) {
    entries.push([
      'published',
      `by an earlier run at ${report.publishedBefore.publishedAt}; nothing was loaded again`,
    ]);
  }
  if (report.resumedBatches) {
    const done = report.commit === 'staged' ? 'staged' : 'committed';
    entries.push(['resumed', `${count(report.resumedBatches)} batches already ${done}`]);
  }
  if (report.published && report.stagedMs !== undefined && report.publishMs !== undefined) {
    const { inserted, updated, skipped, duplicates, deleted } = report.published;
    const parts = [`${count(inserted)} rows inserted`];
    if (deleted > 0) parts.unshift(`${count(deleted)} old rows deleted`);
    if (updated > 0) parts.push(`${count(updated)} updated`);
    if (skipped > 0) parts.push(`${count(skipped)} skipped (key already there)`);
    if (duplicates > 0) parts.push(`${count(duplicates)} replaced by a later row of the same key`);
    entries.push(['published', parts.join(', ')]);
    entries.push([
      'phases',
      `staged in ${seconds(report.stagedMs)}, published in ${seconds(report.publishMs)}`,
    ]);
  }
  if (report.createdTable) entries.push(['created', report.createdTable]);

  const shards = textTable(
    [
      { title: 'shard', align: 'right' },
      { title: 'rows', align: 'right' },
      { title: 'bytes', align: 'right' },
      { title: 'chunks', align: 'right' },
      { title: 'time', align: 'right' },
      { title: 'rows/s', align: 'right' },
      { title: 'state' },
    ],
    report.shards.map((shard) => [
      String(shard.shard),
      count(shard.rows),
      bytes(shard.bytes),
      count(shard.chunks),
      seconds(shard.ms),
      count(perSecond(shard.rows, shard.ms)),
      shard.state,
    ]),
  );
  return `${headline}\n${fields(entries)}\n\n${shards}\n`;
}
