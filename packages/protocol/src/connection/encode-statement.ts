/**
 * Encodes one extended-protocol execution (Parse?/Bind/Describe?/Execute) into the connection's
 * writer, choosing a cached prepared statement where one is ready. The Sync is the caller's business:
 * it depends on the Sync policy.
 */
import { EncodeError } from '../errors.ts';
import { bindText, close, describe, execute, parse } from '../messages/frontend.ts';
import { paramTypeOid, serializeParam } from '../types/params.ts';
import type { Writer } from '../wire/writer.ts';
import type { PendingStatement } from './statement.ts';
import { StatementCache } from './statement-cache.ts';

/**
 * Writes the statement's messages; returns their size. On an encode error nothing is left in the
 * writer and the error (naming the parameter) is thrown. `anchored`: these are the first messages of
 * their Sync segment (see StatementCache.choose).
 */
export function encodeExtended(
  w: Writer,
  st: PendingStatement,
  cache: StatementCache,
  anchored: boolean,
): number {
  const mark = w.length;
  const { params } = st;
  if (params.length > 65535)
    throw new EncodeError(`too many parameters: ${params.length} (max 65535)`, 65536);
  const values: (string | null)[] = new Array(params.length);
  let typed: number[] | null = null;
  for (let i = 0; i < params.length; i++) {
    const oid = paramTypeOid(params[i]);
    if (oid !== 0) {
      typed ??= new Array<number>(params.length).fill(0);
      typed[i] = oid;
    }
    values[i] = serializeParam(params[i], i + 1);
  }
  const types = typed ?? unspecifiedTypes(params.length);
  const choice = cache.choose(StatementCache.key(st.sql, types), anchored);
  const create = cache.created;
  // Evicted statements close first; their CloseCompletes come while this execution is current.
  const closes = cache.takeCloses();
  try {
    if (closes !== null) {
      for (const name of closes) close(w, 'S', name);
      st.closes = closes;
    }
    if (choice === null) {
      parse(w, '', st.sql, types);
      bindText(w, '', '', values);
      describe(w, 'P', '');
    } else {
      st.uses = choice;
      if (create) {
        st.creates = choice;
        parse(w, choice.name, st.sql, types);
        // The statement, not the portal: its description arrives even if this execution's Bind fails,
        // so executions bound to it never wait for a row description that does not come.
        describe(w, 'S', choice.name);
      }
      // No Describe: the row description is the statement's, taken at BindComplete (see Pipeline).
      bindText(w, '', choice.name, values);
    }
    // A row limit reaches the server too, so a SELECT stops producing rows past it.
    execute(w, '', st.budget?.executeMaxRows ?? 0);
  } catch (error) {
    w.truncate(mark);
    if (create && choice !== null) cache.forget(choice);
    if (closes !== null) {
      st.closes = null;
      cache.closeLater(closes);
    }
    throw error;
  }
  return w.length - mark;
}

/** Shared all-zero (server-inferred) type lists by length, so the common case allocates none. */
const UNSPECIFIED: (readonly number[])[] = [];
function unspecifiedTypes(length: number): readonly number[] {
  if (length >= 64) return new Array<number>(length).fill(0);
  let types = UNSPECIFIED[length];
  if (types === undefined) {
    types = Object.freeze(new Array<number>(length).fill(0));
    UNSPECIFIED[length] = types;
  }
  return types;
}
