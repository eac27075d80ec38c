/** Rejected rows as a CSV file: line,column,sqlstate,error,text (RFC 4180 quoting). */
import type { RejectedRow } from '../engine/contract.ts';

export function rejectsCsv(rows: readonly RejectedRow[]): Blob {
  const lines = ['line,column,sqlstate,error,text'];
  for (const row of rows) {
    lines.push(
      [String(row.line), row.column ?? '', row.sqlstate ?? '', row.error, row.text].map(csvField).join(','),
    );
  }
  return new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' });
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
