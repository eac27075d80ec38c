/**
 * Decides whether a statement may write, for the `auto` Sync policy. A real tokenizer (comments,
 * quoted strings and identifiers, dollar quotes skipped), never a substring match: `created_at` is not
 * CREATE. A SELECT that calls a function counts as a possible write (the function may modify data),
 * except for a short list of built-ins known to be read-only; callers can mark a query read-only.
 */

const READ_LEADERS = new Set(['select', 'values', 'table', 'show', 'explain', 'with', 'fetch']);
const WRITE_WORDS = new Set(['insert', 'update', 'delete', 'merge', 'into', 'copy', 'call', 'do']);
/** Functions that never modify data; anything else called from a SELECT may. */
const READ_ONLY_FUNCTIONS = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'now',
  'length',
  'lower',
  'upper',
  'abs',
  'round',
  'floor',
  'ceil',
  'concat',
  'substring',
  'trim',
  'array_agg',
  'string_agg',
  'json_agg',
  'jsonb_agg',
  'to_char',
  'to_json',
  'to_jsonb',
  'row_to_json',
  'jsonb_build_object',
  'json_build_object',
  'generate_series',
  'unnest',
  'array_length',
  'cardinality',
  'exists',
  'cast',
  'current_setting',
  'version',
  'pg_backend_pid',
  'extract',
  'date_trunc',
  'random',
  'md5',
  'format',
  'in',
  'any',
  'all',
  'row',
  'array',
  'clock_timestamp',
  'statement_timestamp',
  'pg_sleep',
  'mod',
  'power',
]);

/** Lower-cased words and '(' markers of `sql`, with comments and literals removed. */
export function tokens(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || c === '"') {
      i = skipQuoted(sql, i, c);
      if (c === '"') out.push('"ident"');
    } else if (c === '$' && /[A-Za-z_$]/.test(sql[i + 1] ?? '')) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length);
        i = end < 0 ? n : end + m[0].length;
      } else i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push(sql.slice(i, j).toLowerCase());
      i = j;
    } else {
      if (c === '(') out.push('(');
      if (c === ';') out.push(';');
      i++;
    }
  }
  return out;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** True when executing `sql` may modify data or state (so `auto` ends a read segment before it). */
export function mayWrite(sql: string): boolean {
  const words = tokens(sql);
  const first = words[0];
  if (first === undefined) return false;
  if (!READ_LEADERS.has(first)) return true;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (WRITE_WORDS.has(w) || w === ';') return true;
    if (w === 'for' && (words[k + 1] === 'update' || words[k + 1] === 'share' || words[k + 1] === 'no'))
      return true;
    if (first === 'explain' && w === 'analyze') return true;
    if (words[k + 1] === '(' && w !== '(' && !READ_ONLY_FUNCTIONS.has(w) && !isSqlKeyword(w)) return true;
  }
  return false;
}

// Keywords that can precede '(' without being a function call.
const KEYWORDS_BEFORE_PAREN = new Set([
  'select',
  'from',
  'where',
  'and',
  'or',
  'not',
  'on',
  'as',
  'values',
  'join',
  'using',
  'by',
  'when',
  'then',
  'else',
  'case',
  'with',
  'lateral',
  'over',
  'filter',
  'within',
  'group',
  'having',
  'is',
  'distinct',
  'union',
  'intersect',
  'except',
  'limit',
  'offset',
  'between',
  'like',
  'ilike',
  'similar',
  'to',
  'window',
  'partition',
  'order',
  'asc',
  'desc',
  'recursive',
  'materialized',
  'explain',
  'table',
  '"ident"',
  'interval',
  'numeric',
  'decimal',
  'varchar',
  'char',
  'character',
  'timestamp',
  'time',
  'bit',
  'float',
  'precision',
]);

function isSqlKeyword(w: string): boolean {
  return KEYWORDS_BEFORE_PAREN.has(w);
}
