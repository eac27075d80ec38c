/**
 * SQLSTATE codes the Haul packages act on or report, named as PostgreSQL's errcodes.txt names them
 * (Appendix A of the PostgreSQL docs). A PostgresError's `code` is one of these strings or another
 * five-character code the server sent; compare against the constants, never against message text,
 * which the server translates under `lc_messages`.
 */
export const SqlState = {
  SuccessfulCompletion: '00000',
  FeatureNotSupported: '0A000',
  // Class 22: data exception
  StringDataRightTruncation: '22001',
  NumericValueOutOfRange: '22003',
  DivisionByZero: '22012',
  CharacterNotInRepertoire: '22021',
  BadCopyFileFormat: '22P04',
  InvalidTextRepresentation: '22P02',
  UntranslatableCharacter: '22P05',
  // Class 23: integrity constraint violation
  NotNullViolation: '23502',
  UniqueViolation: '23505',
  CheckViolation: '23514',
  ActiveSqlTransaction: '25001',
  ReadOnlySqlTransaction: '25006',
  InFailedSqlTransaction: '25P02',
  InvalidSqlStatementName: '26000',
  InvalidAuthorizationSpecification: '28000',
  InvalidPassword: '28P01',
  DependentObjectsStillExist: '2BP01',
  InvalidSchemaName: '3F000',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  SyntaxError: '42601',
  UndefinedTable: '42P01',
  UndefinedObject: '42704',
  ProgramLimitExceeded: '54000',
  LockNotAvailable: '55P03',
  // Class 57: operator intervention
  QueryCanceled: '57014',
  AdminShutdown: '57P01',
  InternalError: 'XX000',
} as const;

/** A code named in SqlState. */
export type KnownSqlState = (typeof SqlState)[keyof typeof SqlState];

/** The classes (a code's first two characters) the packages act on as a whole. */
export const SqlStateClass = {
  FeatureNotSupported: '0A',
  DataException: '22',
  IntegrityConstraintViolation: '23',
  InvalidTransactionState: '25',
  DependentPrivilegeDescriptorsStillExist: '2B',
  TransactionRollback: '40',
  SyntaxErrorOrAccessRuleViolation: '42',
  OperatorIntervention: '57',
} as const;

/** The class of `code`: its first two characters. */
export function sqlStateClass(code: string): string {
  return code.slice(0, 2);
}
