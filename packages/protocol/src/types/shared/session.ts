/** What a converter may need to know about the session the COPY runs in. */
export interface ConversionSession {
  /**
   * The session's TimeZone setting as the server reports it (`SHOW timezone`): an IANA name such as
   * 'Europe/Berlin', or a POSIX-style fixed offset such as '<+05:30>-05:30'. timestamptz text without
   * an offset is read in this zone.
   */
  readonly timeZone: string;
  /**
   * `server_version_num`, e.g. 160004. Input syntax differs by version (PostgreSQL 16 reads integers
   * such as '1_000' and '0x1F'); when it is not given, such text is refused with a suggestion to load
   * in text format rather than guessed at.
   */
  readonly serverVersion?: number;
  /**
   * The session's IntervalStyle (`SHOW intervalstyle`): 'postgres', 'postgres_verbose',
   * 'sql_standard' or 'iso_8601'. Under sql_standard interval_in reads a leading '-' as negating every
   * field; when it is not given, interval text starting with '-' is left to the server.
   */
  readonly intervalStyle?: string;
  /**
   * The session's lc_monetary. cash_in reads money with that locale's symbols, which a client cannot
   * look up: money converts only under 'C' or 'POSIX' (cash_in's own defaults), else stays text.
   */
  readonly lcMonetary?: string;
}

/** 16 and later: underscores in numbers, non-decimal integers, base prefixes for oid. */
export const PG16 = 160_000;

/** True / false when the version is known to be at least / below `version`; undefined if unknown. */
export function atLeast(session: ConversionSession, version: number): boolean | undefined {
  return session.serverVersion === undefined ? undefined : session.serverVersion >= version;
}
