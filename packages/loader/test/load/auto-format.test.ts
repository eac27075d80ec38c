/** copyFormat 'auto' (auto-format.ts): the measured choice for each kind of load. */
import { describe, expect, it } from 'vitest';
import { autoFormat } from '../../src/load/auto-format.ts';

const fits = { rawFits: true, textReason: undefined };

describe('autoFormat', () => {
  it.each([
    { options: {}, want: 'mixed' },
    { options: { shards: 'auto' as const }, want: 'mixed' },
    { options: { shards: 2 }, want: 'mixed' },
    { options: { shards: 1 }, want: 'binary' },
    { options: { shards: 4, onError: 'reject' as const }, want: 'binary' },
    { options: { shards: 4, mode: 'batches' as const }, want: 'raw' },
  ])('$options → $want when raw fits and every column converts', ({ options, want }) => {
    expect(autoFormat(options, fits)).toBe(want);
  });

  it('raw where a column has no converter, text where raw does not fit either, binary without raw', () => {
    const noConverter = 'column c (tsvector) has no binary converter';
    expect(autoFormat({}, { rawFits: true, textReason: noConverter })).toBe('raw');
    expect(autoFormat({ onError: 'reject' }, { rawFits: true, textReason: noConverter })).toBe('raw');
    expect(autoFormat({}, { rawFits: false, textReason: noConverter })).toBe('text');
    expect(autoFormat({}, { rawFits: false, textReason: undefined })).toBe('binary');
  });
});
