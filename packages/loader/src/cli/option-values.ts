/**
 * Checks and converts flag values. Each throws a UsageError naming the flag, so a typo is reported as
 * `--shards: expected a positive integer or "auto", got "fuor"` rather than as a loader error later.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

type ParseArgsConfig = NonNullable<Parameters<typeof parseArgs>[0]>;
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
/** Named, so the published declarations can spell parseFlags's result. */
export type ParsedFlags<T extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; allowNegative: true; strict: true }>
>;

/**
 * `parseArgs` in strict mode with its errors turned into UsageErrors. Node's messages already name
 * the flag ("Unknown option '--tabel'"); we only drop its advice about `--`, which rarely applies.
 */
export function parseFlags<const T extends OptionSpecs>(
  argv: readonly string[],
  options: T,
  command: string,
): ParsedFlags<T> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
}

export function positiveInteger(flag: string, value: string, command: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new UsageError(`--${flag}: expected a positive integer, got "${value}"`, command);
  }
  return parsed;
}

/** A whole number of something, 0 allowed (`--max-rejects 0`: the first reject fails the load). */
export function wholeNumber(flag: string, value: string, command: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new UsageError(`--${flag}: expected a whole number (0 or more), got "${value}"`, command);
  }
  return parsed;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** A positive size in bytes, with an optional binary unit: `65536`, `64MiB`, `1g`. */
export function byteSize(flag: string, value: string, command: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  const parsed = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new UsageError(
      `--${flag}: expected a size in bytes such as 65536, 64MiB or 1GiB, got "${value}"`,
      command,
    );
  }
  return parsed;
}

export function oneOf<const T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
  command: string,
): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag}: expected one of ${choices.join(', ')}, got "${value}"`, command);
  }
  return value as T;
}

/** Names a shell makes awkward to type literally, accepted for the one-byte CSV options. */
const NAMED_BYTES: Record<string, string> = { '\\t': '\t', tab: '\t', '\\\\': '\\' };

/** One ASCII character (the loader's delimiter, quote and escape are single bytes). */
export function singleByte(flag: string, value: string, command: string): string {
  const byte = NAMED_BYTES[value] ?? value;
  if (byte.length !== 1 || byte.charCodeAt(0) > 0x7f || byte === '\n' || byte === '\r') {
    throw new UsageError(
      `--${flag}: expected one ASCII character (or "\\t" / "tab" for a tab), got "${value}"`,
      command,
    );
  }
  return byte;
}

/** A comma-separated list of names: `a,b,c`. Empty names (`a,,b`) are mistakes, not columns. */
export function nameList(flag: string, value: string, command: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new UsageError(`--${flag}: expected comma-separated names, got "${value}"`, command);
  }
  return names;
}

/** At most one positional argument, with a message naming the extras. */
export function singlePositional(positionals: readonly string[], what: string, command: string) {
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one ${what}, got ${positionals.length}: ${positionals.map((p) => `"${p}"`).join(' ')}`,
      command,
    );
  }
  return positionals[0];
}
