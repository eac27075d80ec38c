/** `haul recover` flags: list prepared loads, or commit / roll back / auto-resolve one or all. Pure. */
import { parseFlags, singlePositional } from './option-values.ts';
import { UsageError } from './usage-error.ts';

const COMMAND = 'recover';

const FLAGS = {
  url: { type: 'string' },
  commit: { type: 'string' },
  rollback: { type: 'string' },
  auto: { type: 'boolean' },
  drop: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type RecoverAction =
  | { kind: 'list' }
  | { kind: 'commit'; loadId: string }
  | { kind: 'rollback'; loadId: string }
  /** `loadId` undefined: every prepared load, each as its recorded decision says. */
  | { kind: 'auto'; loadId?: string }
  /** A staged load that never published: its stage dropped, nothing published. */
  | { kind: 'drop'; loadId: string };

export interface RecoverInvocation {
  command: 'recover';
  url?: string;
  action: RecoverAction;
  json: boolean;
}

export type RecoverArgs = RecoverInvocation | { command: 'recover'; help: true };

function actionOf(
  commit: string | undefined,
  rollback: string | undefined,
  auto: boolean,
  drop: string | undefined,
  id?: string,
) {
  const chosen = [commit !== undefined, rollback !== undefined, auto, drop !== undefined].filter(
    Boolean,
  ).length;
  if (chosen > 1) throw new UsageError('give one of --commit ID, --rollback ID, --auto, --drop ID', COMMAND);
  if (id !== undefined && !auto) {
    throw new UsageError(
      `unexpected argument "${id}" (a load id goes after --commit, --rollback or --auto)`,
      COMMAND,
    );
  }
  for (const [flag, value] of [
    ['commit', commit],
    ['rollback', rollback],
    ['drop', drop],
  ] as const) {
    if (value !== undefined && value.trim() === '')
      throw new UsageError(`--${flag}: expected a load id`, COMMAND);
  }
  if (commit !== undefined) return { kind: 'commit', loadId: commit } as const;
  if (rollback !== undefined) return { kind: 'rollback', loadId: rollback } as const;
  if (drop !== undefined) return { kind: 'drop', loadId: drop } as const;
  if (auto) return id === undefined ? ({ kind: 'auto' } as const) : ({ kind: 'auto', loadId: id } as const);
  return { kind: 'list' } as const;
}

export function parseRecoverArgs(argv: readonly string[]): RecoverArgs {
  const { values, positionals } = parseFlags(argv, FLAGS, COMMAND);
  if (values.help) return { command: COMMAND, help: true };
  const id = singlePositional(positionals, 'load id', COMMAND);
  const action: RecoverAction = actionOf(
    values.commit,
    values.rollback,
    values.auto ?? false,
    values.drop,
    id,
  );
  const invocation: RecoverInvocation = { command: COMMAND, action, json: values.json ?? false };
  if (values.url !== undefined) invocation.url = values.url;
  return invocation;
}
