/**
 * One progress bar per shard. The loader reports rows per shard; a shard's share of the file is about
 * size / shards, so its fraction is its rows × (bytes read per row so far) over that share. Gzipped
 * sources (whose decompressed size is unknown) show an indeterminate bar until the report.
 */
import type { LoadProgress, LoadReport } from '../engine/contract.ts';
import { h, replaceChildren } from './dom.ts';
import { formatCount } from './format.ts';
import { TEST_IDS } from './test-ids.ts';

interface Bar {
  progress: HTMLProgressElement;
  text: HTMLSpanElement;
}

export class ShardProgressView {
  readonly element = h('div', { class: 'shards', role: 'group', 'aria-label': 'Progress per shard' });
  #bars: Bar[] = [];

  /** Empty bars for `count` shards. */
  reset(count: number): void {
    this.#bars = [];
    const items = Array.from({ length: count }, (_, i) => {
      const progress = h('progress', { max: 1, value: 0, 'aria-label': `Shard ${i + 1}` });
      const text = h('span', { class: 'shard-text' }, 'waiting');
      this.#bars.push({ progress, text });
      return h(
        'div',
        { class: 'shard', testId: TEST_IDS.shardProgress, dataset: { shard: String(i), state: 'idle' } },
        h('span', { class: 'shard-name', 'aria-hidden': 'true' }, `#${i + 1}`),
        progress,
        text,
      );
    });
    replaceChildren(this.element, items);
  }

  update(event: LoadProgress, sourceBytes: number, gzip: boolean): void {
    if (event.shards.length !== this.#bars.length) this.reset(event.shards.length);
    const bytesPerRow = event.rows > 0 ? event.bytes / event.rows : 0;
    const share = sourceBytes / Math.max(1, event.shards.length);
    event.shards.forEach((shard, i) => {
      const bar = this.#bars[i]!;
      const done = shard.state === 'committed' || shard.state === 'waiting';
      if (gzip && !done) bar.progress.removeAttribute('value');
      else bar.progress.value = done ? 1 : Math.min(0.99, share > 0 ? (shard.rows * bytesPerRow) / share : 0);
      bar.text.textContent = `${formatCount(shard.rows)} rows · ${shard.state}`;
      bar.progress.parentElement!.dataset['state'] = shard.state;
    });
  }

  finish(report: LoadReport): void {
    if (report.shards.length !== this.#bars.length) this.reset(report.shards.length);
    report.shards.forEach((shard, i) => {
      const bar = this.#bars[i]!;
      bar.progress.value = report.committed ? 1 : bar.progress.value || 0;
      bar.text.textContent = `${formatCount(shard.rows)} rows · ${shard.state}`;
      bar.progress.parentElement!.dataset['state'] = shard.state;
    });
  }

  /** After a failure or cancel: every unfinished bar says so. */
  fail(state: string): void {
    for (const bar of this.#bars) {
      const holder = bar.progress.parentElement!;
      if (holder.dataset['state'] === 'committed') continue;
      holder.dataset['state'] = state;
      if (!bar.progress.hasAttribute('value')) bar.progress.value = 0;
      bar.text.textContent = `${bar.text.textContent?.split(' · ')[0] ?? ''} · ${state}`;
    }
  }
}
