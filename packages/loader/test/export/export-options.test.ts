/**
 * Setup mistakes are LoadConfigErrors before any I/O; connectors resolve as documented; the merge
 * queue hands chunks over one at a time and only ends once told how.
 */
import type { Connection } from '@haul/protocol';
import { describe, expect, it } from 'vitest';
import type { ExportOptions } from '../../src/api.ts';
import { resolveConnector } from '../../src/connect.ts';
import { LoadConfigError } from '../../src/errors.ts';
import { exportRows } from '../../src/export/export.ts';
import { resolveExportOptions } from '../../src/export/export-options.ts';
import { MergeQueue } from '../../src/export/merge-queue.ts';

const fakeConnection = { close: async () => {} } as unknown as Connection;
const connector = async () => fakeConnection;

describe('resolveConnector', () => {
  it('prefers connector, else wraps connect(url)', async () => {
    expect(resolveConnector({ connector, url: 'x' })).toBe(connector);
    const urls: unknown[] = [];
    const viaUrl = resolveConnector({
      url: 'postgres://h/db',
      connect: async (url) => {
        urls.push(url);
        return fakeConnection;
      },
    });
    expect(await viaUrl()).toBe(fakeConnection);
    expect(urls).toEqual(['postgres://h/db']);
  });

  it('says what is missing', () => {
    expect(() => resolveConnector({})).toThrow(LoadConfigError);
    expect(() => resolveConnector({})).toThrow('pass `connector`, or `url` with `connect`');
    expect(() => resolveConnector({ url: 'postgres://h/db' })).toThrow('without `connect`');
    expect(() => resolveConnector({ connect: async () => fakeConnection })).toThrow('without a `url`');
  });

  it('rejects at once on abort, and closes a connection that arrives afterwards', async () => {
    let closed = 0;
    let deliver!: (c: Connection) => void;
    const late = { close: async () => void closed++ } as unknown as Connection;
    const viaUrl = resolveConnector({
      url: 'postgres://h/db',
      connect: () => new Promise<Connection>((resolve) => (deliver = resolve)),
    });
    const controller = new AbortController();
    const pending = viaUrl(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('connecting was aborted');
    deliver(late);
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toBe(1);
    await expect(viaUrl(controller.signal)).rejects.toThrow('aborted');
  });
});

describe('resolveExportOptions', () => {
  const base: ExportOptions = { connector, table: 't' };
  const error = (options: Partial<ExportOptions>) => {
    try {
      resolveExportOptions({ ...base, ...options } as ExportOptions);
    } catch (e) {
      expect(e).toBeInstanceOf(LoadConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a LoadConfigError');
  };

  it('fills in defaults: csv with a header, consistent, 1 partition, or 4 with a key', () => {
    expect(resolveExportOptions(base)).toMatchObject({
      source: { table: 't' },
      format: 'csv',
      header: true,
      consistent: true,
      partitions: 1,
      partitionOn: null,
      bounds: null,
    });
    expect(resolveExportOptions({ ...base, partitionOn: 'id' }).partitions).toBe(4);
    // A table splits by its pages when no key is given.
    expect(resolveExportOptions({ ...base, partitions: 3 })).toMatchObject({
      partitions: 3,
      partitionOn: null,
    });
    expect(resolveExportOptions({ ...base, partitionOn: 'id', bounds: [0, 10n, '20'] })).toMatchObject({
      partitions: 2,
      bounds: ['0', '10', '20'],
    });
  });

  it('rejects what cannot work', () => {
    expect(error({ table: undefined })).toContain('nothing to export');
    expect(error({ query: 'select 1' })).toContain('not both');
    expect(error({ format: 'xml' as never })).toContain('format must be one of');
    expect(error({ table: undefined, query: 'select 1', partitions: 3 })).toContain('need partitionOn');
    expect(error({ partitionOn: 'id', partitions: 0 })).toContain('at least 1');
    expect(error({ partitionOn: 'id', partitions: 2.5 })).toContain('at least 1');
    expect(error({ bounds: [1, 2] })).toContain('bounds need partitionOn');
    expect(error({ partitionOn: 'id', bounds: [1] })).toContain('at least two');
    expect(error({ partitionOn: 'id', bounds: [1, Number.NaN] })).toContain('not a finite number');
    expect(error({ partitionOn: 'id', bounds: [1, 2, 3], partitions: 3 })).toContain('give 2 partitions');
    expect(error({ connector: undefined })).toContain('no way to connect');
  });

  it('throws from exportRows itself, before any connection', () => {
    expect(() => exportRows({ connector, query: 'select 1', partitions: 2 })).toThrow(LoadConfigError);
  });
});

describe('MergeQueue', () => {
  it('resolves a put when its chunk is taken, in the order offered', async () => {
    const queue = new MergeQueue<string>();
    const taken: string[] = [];
    const a = queue.put('a').then(() => taken.push('a'));
    const b = queue.put('b').then(() => taken.push('b'));
    await new Promise((r) => setTimeout(r, 0));
    expect(taken).toEqual([]);
    expect(await queue.take()).toEqual({ done: false, value: 'a' });
    await a;
    expect(taken).toEqual(['a']);
    expect(await queue.take()).toEqual({ done: false, value: 'b' });
    await b;
    queue.end();
    expect(await queue.take()).toEqual({ done: true, value: undefined });
  });

  it('on abort rejects waiting puts, and the consumer waits for the outcome', async () => {
    const queue = new MergeQueue<string>();
    const put = queue.put('a');
    const reason = new Error('stop');
    queue.abort(reason);
    await expect(put).rejects.toBe(reason);
    await expect(queue.put('b')).rejects.toBe(reason);
    let settled = false;
    const take = queue.take().finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    queue.fail(reason);
    await expect(take).rejects.toBe(reason);
  });
});
