/**
 * Deterministic sample files for the offline engine's tests: CSV with every awkward case a loader
 * meets (quoted fields with commas, quotes and line breaks, NULLs, numerics, timestamps with offsets,
 * booleans), and NDJSON, along with the values each row should load as.
 */

export interface SampleRow {
  id: number;
  name: string;
  /** numeric text with two decimals, exactly as PostgreSQL prints it back. */
  amount: string;
  /** ISO 8601 with an offset. */
  at: string;
  flag: boolean;
  /** null: an empty unquoted field (NULL in CSV). */
  note: string | null;
}

/** A small deterministic generator, so a failure names the same row on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export function sampleRows(count: number, seed = 7): SampleRow[] {
  const next = random(seed);
  const rows: SampleRow[] = [];
  for (let i = 1; i <= count; i++) {
    const kind = i % 5;
    const name =
      kind === 0
        ? `Smith, "Jo" ${i}`
        : kind === 1
          ? `line one\nline two ${i}`
          : kind === 2
            ? `plain${i}`
            : `ü€ ${i}`;
    const cents = Math.floor(next() * 2_000_000) - 1_000_000;
    const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    const ms = Date.UTC(2020, 0, 1) + Math.floor(next() * 5 * 365 * 86_400_000);
    const offset = (i % 3) - 1; // -01:00, +00:00, +01:00
    const local = new Date(ms + offset * 3_600_000).toISOString().slice(0, 23);
    const at = `${local}${offset < 0 ? '-' : '+'}0${Math.abs(offset)}:00`;
    rows.push({ id: i, name, amount, at, flag: next() < 0.5, note: i % 7 === 0 ? null : `note ${i}` });
  }
  return rows;
}

/** RFC 4180 quoting where needed; null as an empty unquoted field. */
function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\n\r]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(rows: readonly SampleRow[]): string {
  const lines = ['id,name,amount,at,flag,note'];
  for (const r of rows) {
    lines.push(
      [String(r.id), csvField(r.name), r.amount, r.at, r.flag ? 'true' : 'f', csvField(r.note)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** 1-based source line of each row in toCsv's output (quoted line breaks push later rows down). */
export function csvLines(rows: readonly SampleRow[]): number[] {
  const lines: number[] = [];
  let line = 2;
  for (const r of rows) {
    lines.push(line);
    line += 1 + (r.name.match(/\n/g)?.length ?? 0);
  }
  return lines;
}

export function toNdjson(rows: readonly Record<string, unknown>[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

export function blobOf(text: string, type = 'text/csv'): Blob {
  return new Blob([text], { type });
}
