/**
 * The two delimited-text dialects PostgreSQL's COPY reads, resolved from user options into bytes and
 * checked the way COPY checks them, so a load is refused before anything is read.
 */
import type { CsvOptions } from '../api.ts';
import { LoadConfigError } from '../errors.ts';

/** 'csv': COPY … (FORMAT csv). 'text': COPY's default text format (what `tsv` means here). */
export type DialectKind = 'csv' | 'text';

export interface DelimitedDialect {
  readonly kind: DialectKind;
  /** Byte values. `quote` and `escape` are -1 in the text dialect. */
  readonly delimiter: number;
  readonly quote: number;
  readonly escape: number;
  /** The raw (unquoted, not unescaped) field text that means NULL, as UTF-8. */
  readonly nullBytes: Uint8Array;
  readonly header: boolean;
}

export interface DialectOptions extends CsvOptions {
  kind: DialectKind;
}

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;

/** Resolves and validates options; throws LoadConfigError naming the bad option. */
export function resolveDialect(options: DialectOptions): DelimitedDialect {
  const { kind } = options;
  const csv = kind === 'csv';
  const delimiter = singleByte('delimiter', options.delimiter ?? (csv ? ',' : '\t'));
  if (delimiter === LF || delimiter === CR) {
    throw new LoadConfigError('the delimiter cannot be a newline or carriage return');
  }
  const nullText = options.null ?? (csv ? '' : '\\N');
  if (/[\r\n]/.test(nullText)) {
    throw new LoadConfigError('the null string cannot contain a newline or carriage return');
  }
  const nullBytes = new TextEncoder().encode(nullText);
  if (nullBytes.includes(delimiter)) {
    throw new LoadConfigError(
      `the delimiter ${JSON.stringify(options.delimiter)} appears in the null string`,
    );
  }
  const header = options.header ?? true;

  if (!csv) {
    if (options.quote !== undefined || options.escape !== undefined) {
      throw new LoadConfigError(
        'quote and escape apply only to csv; tsv is COPY text format (backslash escapes)',
      );
    }
    // COPY refuses these in text format: they would read as escapes or the end-of-data marker.
    if (/^[\\.a-z0-9]$/.test(String.fromCharCode(delimiter))) {
      throw new LoadConfigError(
        `the text-format delimiter cannot be ${JSON.stringify(options.delimiter)} (a backslash, '.', a-z or 0-9)`,
      );
    }
    return { kind, delimiter, quote: -1, escape: -1, nullBytes, header };
  }

  const quote = singleByte('quote', options.quote ?? '"');
  const escapeByte = options.escape === undefined ? quote : singleByte('escape', options.escape);
  if (quote === delimiter) throw new LoadConfigError('the delimiter and the quote must differ');
  for (const [name, value] of [
    ['quote', quote],
    ['escape', escapeByte],
  ] as const) {
    if (value === LF || value === CR)
      throw new LoadConfigError(`the ${name} cannot be a newline or carriage return`);
  }
  if (nullBytes.includes(quote)) {
    throw new LoadConfigError(`the quote ${JSON.stringify(options.quote ?? '"')} appears in the null string`);
  }
  return { kind, delimiter, quote, escape: escapeByte, nullBytes, header };
}

/** The default dialect of a batch that does not say its own: CSV with COPY's defaults. */
export const DEFAULT_CSV_DIALECT: DelimitedDialect = resolveDialect({ kind: 'csv' });

export const TEXT_ESCAPE = BACKSLASH;

function singleByte(name: string, value: string): number {
  if (value.length !== 1 || value.charCodeAt(0) > 0x7f) {
    throw new LoadConfigError(
      `the ${name} must be a single one-byte character, not ${JSON.stringify(value)}`,
    );
  }
  return value.charCodeAt(0);
}
