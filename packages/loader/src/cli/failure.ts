/**
 * Turns whatever a command threw into an exit code and the words to print: where the bad row was
 * (line, column, value), what the server said (SQLSTATE, detail, hint), and whether anything stuck.
 */
import { ConfigError, PostgresError } from '@haul/protocol';
import type { ProvisionalTableOutcome } from '../api.ts';
import { BadRowError, LoadConfigError, LoadFailedError } from '../errors.ts';
import { ExitCode } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

/** The error and its causes, outermost first (bounded: a cause cycle must not hang the CLI). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function find<T>(chain: unknown[], type: abstract new (...args: never[]) => T): T | undefined {
  return chain.find((item): item is T => item instanceof type);
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof LoadConfigError || error instanceof ConfigError) {
    return ExitCode.usage;
  }
  return ExitCode.failed;
}

/** The fields a script wants from a failure, for `--json`. */
export interface FailureJson {
  error: {
    name: string;
    message: string;
    loadId?: string;
    rolledBack?: boolean;
    /** With --create-table: the table the load created, and whether it was dropped again. */
    createdTable?: ProvisionalTableOutcome;
    line?: number;
    column?: string;
    value?: string;
    sqlstate?: string;
    detail?: string;
    hint?: string;
  };
}

export function failureJson(error: unknown): FailureJson {
  const chain = causeChain(error);
  const failed = find(chain, LoadFailedError);
  const badRow = find(chain, BadRowError);
  const server = find(chain, PostgresError);
  const json: FailureJson['error'] = {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  if (failed) {
    json.loadId = failed.loadId;
    json.rolledBack = failed.rolledBack;
    if (failed.createdTable) json.createdTable = failed.createdTable;
  }
  if (badRow && badRow.line > 0) json.line = badRow.line;
  const column = badRow?.column ?? server?.column;
  if (column !== undefined) json.column = column;
  if (badRow?.value !== undefined) json.value = badRow.value;
  const sqlstate = badRow?.sqlstate ?? server?.code;
  if (sqlstate !== undefined) json.sqlstate = sqlstate;
  if (server?.detail !== undefined) json.detail = server.detail;
  if (server?.hint !== undefined) json.hint = server.hint;
  return { error: json };
}

/** The lines to print on stderr: the error, what it left behind, then `  at line 17, column "score", …`. */
export function failureText(error: unknown, command?: string): string {
  const named = command ?? (error instanceof UsageError ? error.command : undefined);
  const haul = named === undefined ? 'haul' : `haul ${named}`;
  if (error instanceof UsageError) {
    const help = error.command ? `haul ${error.command} --help` : 'haul --help';
    return `${haul}: ${error.message}\n(see \`${help}\`)\n`;
  }
  const { error: fields } = failureJson(error);
  const chain = causeChain(error);
  const lines: string[] = [];
  const failed = find(chain, LoadFailedError);
  if (failed && !failed.rolledBack) {
    lines.push(`${haul}: load failed and was NOT fully rolled back: ${fields.message}`);
    lines.push(`  some shards may have committed; inspect with \`haul recover\` (load id ${failed.loadId})`);
  } else {
    lines.push(`${haul}: ${fields.message}`);
    if (failed && failed.fate === undefined) {
      lines.push('  the load was rolled back: nothing was committed');
    }
  }
  // The innermost causes usually carry the server's own words; show the ones the headline lacks.
  for (const cause of chain.slice(1)) {
    if (!(cause instanceof Error)) continue;
    const words = cause instanceof PostgresError ? cause.serverMessage : cause.message;
    if (!fields.message.includes(words)) lines.push(`  cause: ${cause.message}`);
  }
  const where = [
    fields.line === undefined ? undefined : `line ${fields.line}`,
    fields.column === undefined ? undefined : `column "${fields.column}"`,
    fields.value === undefined ? undefined : `value ${JSON.stringify(fields.value)}`,
    fields.sqlstate === undefined ? undefined : `SQLSTATE ${fields.sqlstate}`,
  ].filter((part) => part !== undefined);
  if (where.length > 0) lines.push(`  at ${where.join(', ')}`);
  if (fields.detail) lines.push(`  detail: ${fields.detail}`);
  if (fields.hint) lines.push(`  hint: ${fields.hint}`);
  return `${lines.join('\n')}\n`;
}
