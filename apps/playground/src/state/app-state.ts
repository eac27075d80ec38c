/**
 * What the panels share: the engine in use, the chosen source file (with its preview), and the
 * target table. Each panel reads and sets these; none talks to another directly.
 */
import type { InferredColumn } from '@haul/loader';
import type { Engine, TableDetail } from '../engine/contract.ts';
import { Observable } from './observable.ts';

export type SourceFormat = 'csv' | 'tsv' | 'ndjson';

export interface SourcePreview {
  /** Column names from the header line or the first object's keys; null without a header. */
  header: string[] | null;
  /** The first rows, as text (null for NULL). */
  rows: (string | null)[][];
  /** The schema Haul would create from these rows. */
  inferred: InferredColumn[];
  /** Rows parsed from the sampled prefix (the preview shows at most PREVIEW_ROWS of them). */
  sampledRows: number;
}

export interface SourceFile {
  blob: Blob;
  name: string;
  format: SourceFormat;
  /** CSV/TSV: the first line names the columns. */
  header: boolean;
  gzip: boolean;
  preview: SourcePreview;
}

export type TargetState =
  | { status: 'idle' }
  | { status: 'loading'; table: string }
  | { status: 'exists'; table: string; detail: TableDetail }
  | { status: 'missing'; table: string }
  | { status: 'error'; table: string; message: string };

export type ConnectionState =
  | { status: 'disconnected'; message: string }
  | { status: 'connecting'; message: string }
  | { status: 'connected'; message: string }
  | { status: 'error'; message: string };

export interface AppState {
  engine: Observable<Engine | null>;
  connection: Observable<ConnectionState>;
  source: Observable<SourceFile | null>;
  /** The target table's name as typed. */
  tableName: Observable<string>;
  target: Observable<TargetState>;
  /** Whether the load may create the table (the checkbox). */
  createTable: Observable<boolean>;
  /** Bumped after anything that may change the list of tables (a load, a SQL run). */
  tablesChanged: Observable<number>;
  /** The table the last committed load went into (the console and export offer it). */
  loadedTable: Observable<string | null>;
}

export function createAppState(): AppState {
  return {
    engine: new Observable<Engine | null>(null),
    connection: new Observable<ConnectionState>({ status: 'disconnected', message: 'Not connected.' }),
    source: new Observable<SourceFile | null>(null),
    tableName: new Observable(''),
    target: new Observable<TargetState>({ status: 'idle' }),
    createTable: new Observable(true),
    tablesChanged: new Observable(0),
    loadedTable: new Observable<string | null>(null),
  };
}
