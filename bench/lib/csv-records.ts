/**
 * Counts the records of a CSV file: newlines outside quotes, so a quoted field spanning lines counts
 * once (a plain `wc -l` would count it twice). Streams the file; a 1 GB export costs no memory.
 */
import { createReadStream } from 'node:fs';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export async function countCsvRecords(path: string): Promise<number> {
  let records = 0;
  let quoted = false;
  let last = NEWLINE;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      // A doubled quote inside a quoted field toggles twice: no net change, as it should be.
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === NEWLINE && !quoted) records++;
    }
    if (bytes.length > 0) last = bytes[bytes.length - 1]!;
  }
  // A last record without its newline still counts.
  return last === NEWLINE ? records : records + 1;
}
