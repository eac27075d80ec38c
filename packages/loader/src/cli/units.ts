/** Numbers as people read them in a terminal: 1,234,567 rows, 98.6 MB, 2.41 s. */

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Decimal units (10^6 bytes = 1 MB), matching what `ls -lh --si` and disk vendors show. */
export function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${scaled.toFixed(scaled < 10 ? 2 : 1)} ${units[unit]}`;
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

export function perSecond(amount: number, ms: number): number {
  return ms > 0 ? (amount * 1000) / ms : 0;
}
