/**
 * `data-testid` values the page renders and the Chromium end-to-end test (test/e2e) drives. Changing
 * one here changes both; they name what a user sees, not how it is built.
 */
export const TEST_IDS = {
  // Connection
  workerUrl: 'worker-url', // <input> worker base URL (default: the page's own origin)
  token: 'token', // <input type=password>
  connect: 'connect', // <button> connect to the worker with the settings above
  offline: 'offline', // <button> switch to offline mode (PGlite in the page)
  connectionStatus: 'connection-status', // text; data-state="connected" | "error" | "connecting" | "disconnected"

  // Source file
  dropZone: 'drop-zone', // element receiving drag-and-drop of a File (and click-to-pick)
  fileInput: 'file-input', // <input type=file>
  sampleRows: 'sample-rows', // <input type=number> rows for the generator
  generateSample: 'generate-sample', // <button> makes a sample CSV and selects it as the source
  preview: 'preview', // <table> of the first rows

  // Target
  tableName: 'table-name', // <input> target table
  createTable: 'create-table', // <input type=checkbox> create from the inferred schema
  schema: 'schema', // the target's columns, or the CREATE TABLE Haul would run

  // Load
  shards: 'shards', // <input type=number>
  loadMode: 'load-mode', // <select> atomic | batches
  onError: 'on-error', // <select> abort | reject
  conflict: 'conflict', // <select> error | skip | update: a row whose key the table has
  conflictKey: 'conflict-key', // <select> the target's unique keys, "a, b" for a composite one
  replace: 'replace', // <input type=checkbox> replace the table's rows
  load: 'load', // <button>
  cancel: 'cancel', // <button>, enabled while loading
  shardProgress: 'shard-progress', // one per shard, data-shard="<i>", a <progress> inside
  rowsPerSecond: 'rows-per-second', // text, plus the chart
  loadReport: 'load-report', // the final report; data-rows="<rows>" data-committed="true|false"
  loadError: 'load-error', // the failure; text names the line/column/SQLSTATE
  rejectsDownload: 'rejects-download', // <a download> for rejected rows (CSV)

  // SQL console
  sqlInput: 'sql-input', // <textarea>, statements separated by ';' lines
  syncMode: 'sync-mode', // <select> independent | atomic
  runSql: 'run-sql', // <button> (Ctrl+Enter too)
  sqlResult: 'sql-result', // one per statement, data-index="<i>" data-ok="true|false"
  sqlError: 'sql-error', // inside a failed sql-result: message, SQLSTATE, the position marked
  sqlOutcome: 'sql-outcome', // inside a failed sql-result: what it did; data-outcome="failed|rolled-back|aborted-transaction|skipped"

  // Export
  exportTable: 'export-table', // <select> or <input> table
  exportFormat: 'export-format', // <select> csv | ndjson
  exportButton: 'export', // <button> downloads the file
} as const;

export type TestId = (typeof TEST_IDS)[keyof typeof TEST_IDS];
