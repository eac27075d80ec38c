/**
 * @haul/loader — sharded, all-or-nothing binary COPY loads, and partitioned parallel export.
 * Runtime-agnostic: pass `connect` from a protocol adapter (`@haul/protocol/node`, `/cloudflare`, …).
 */
export type * from './api.ts';
export {
  BadRowError,
  CommitError,
  InputLimitError,
  LoadConfigError,
  LoadFailedError,
  type LoadPhase,
  RejectLimitError,
  type RowLocation,
  SourceError,
  StallError,
} from './errors.ts';
export { exportRows } from './export/export.ts';
export { load } from './load/load.ts';
export { listPreparedLoads, recoverLoad } from './load/recover.ts';
export { listProvisionalTables, settleProvisionalTables } from './load/recover-tables.ts';
export { COMMIT_CHOICES } from './load/settings.ts';
export { dropStagedLoad, listStagedLoads } from './load/staged-recover.ts';
export { readTable } from './schema/catalog.ts';
export { createTableSql, type InferredColumn, inferColumns } from './schema/infer.ts';
export {
  type CatalogQuery,
  type ColumnSummary,
  listTables,
  readTableDetail,
  type TableDetail,
  type TableSummary,
  tableDetail,
} from './schema/table-summary.ts';
export { inferFormat } from './source/format.ts';
export { JsonContainer, JsonNumber } from './source/json-parser.ts';
export { openRowReader } from './source/open-reader.ts';
export { fieldText, unescapeField } from './source/unescape.ts';
