/**
 * The sample-data generator: N rows of id, name, email, amount (numeric), created_at (timestamptz),
 * active (boolean) as a CSV file with a header, made in the page. Seeded, so the same N gives the
 * same file.
 */

export const DEFAULT_SAMPLE_ROWS = 10_000;
export const MAX_SAMPLE_ROWS = 5_000_000;

const FIRST = ['Ada', 'Grace', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Donald', 'Frances', 'Linus', 'Radia'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Hamilton',
  'Knuth',
  'Allen',
  'Torvalds',
  'Perlman',
];
const START_MS = Date.UTC(2024, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;
const LINES_PER_PART = 10_000;

/** A small, fast PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleFileName(rows: number): string {
  return `sample-${rows}.csv`;
}

export function generateSampleCsv(rows: number): File {
  const next = random(rows);
  const parts: string[] = ['id,name,email,amount,created_at,active\n'];
  let lines: string[] = [];
  for (let id = 1; id <= rows; id++) {
    const first = FIRST[Math.floor(next() * FIRST.length)]!;
    const last = LAST[Math.floor(next() * LAST.length)]!;
    const amount = (next() * 10_000).toFixed(2);
    const created = new Date(START_MS + Math.floor(next() * YEAR_MS)).toISOString();
    const active = next() < 0.8 ? 'true' : 'false';
    lines.push(
      `${id},${first} ${last},${first.toLowerCase()}.${last.toLowerCase()}${id}@example.com,${amount},${created},${active}`,
    );
    if (lines.length === LINES_PER_PART) {
      parts.push(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) parts.push(`${lines.join('\n')}\n`);
  return new File(parts, sampleFileName(rows), { type: 'text/csv' });
}
