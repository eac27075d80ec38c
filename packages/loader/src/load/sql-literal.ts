/** A SQL string literal for the statements that cannot take a bind parameter (PREPARE TRANSACTION, COPY). */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new TypeError('a SQL literal cannot contain NUL');
  return `'${text.replaceAll("'", "''")}'`;
}
