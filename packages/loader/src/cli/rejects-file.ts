/**
 * The rejects file of `haul load --on-error reject`: CSV (RFC 4180) with a header line,
 * `line,column,sqlstate,error,text`, one record per rejected row. CSV because it opens in any
 * spreadsheet and the original row text, commas and newlines included, survives quoting intact.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { RejectedRow } from '../api.ts';

export const REJECTS_HEADER = ['line', 'column', 'sqlstate', 'error', 'text'] as const;

/** Quotes a field when it holds a comma, a quote, CR or LF (and doubles its quotes), as RFC 4180 says. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function rejectRecord(row: RejectedRow): string {
  const fields = [String(row.line), row.column ?? '', row.sqlstate ?? '', row.error, row.text];
  return `${fields.map(csvField).join(',')}\n`;
}

export class RejectsFile {
  #stream: WriteStream | undefined;
  #failure: Error | undefined;
  #count = 0;

  constructor(readonly path: string) {}

  /** Rows written so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Appends one record; resolves once the stream can take more, so a flood of rejects slows the load
   * instead of piling up in memory. The file is created (replacing an old one) on the first call,
   * so a clean load leaves no empty rejects file behind.
   */
  async write(row: RejectedRow): Promise<void> {
    if (this.#failure) throw this.#failure;
    const stream = this.#open();
    this.#count++;
    if (!stream.write(rejectRecord(row))) await this.#drained(stream);
  }

  #open(): WriteStream {
    if (this.#stream) return this.#stream;
    const stream = createWriteStream(this.path, { flags: 'w' });
    stream.on('error', (error) => {
      this.#failure ??= new Error(`cannot write the rejects file ${this.path}: ${error.message}`, {
        cause: error,
      });
    });
    stream.write(`${REJECTS_HEADER.join(',')}\n`);
    this.#stream = stream;
    return stream;
  }

  #drained(stream: WriteStream): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
      };
      const onDrain = () => {
        settle();
        resolve();
      };
      // A failed stream never drains; its 'close' must end the wait.
      const onClose = () => {
        settle();
        reject(this.#failure ?? new Error(`the rejects file ${this.path} closed early`));
      };
      stream.once('drain', onDrain);
      stream.once('close', onClose);
    });
  }

  /** Flushes and closes; throws if any write failed. */
  async close(): Promise<void> {
    const stream = this.#stream;
    if (stream && !stream.writableEnded) {
      stream.end();
      await finished(stream).catch(() => {});
    }
    if (this.#failure) throw this.#failure;
  }
}
