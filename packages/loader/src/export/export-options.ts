/** ExportOptions checked and filled in with defaults; every mistake is a LoadConfigError before any I/O. */
import type { Connector, ExportFormat, ExportOptions } from '../api.ts';
import { resolveConnector } from '../connect.ts';
import { LoadConfigError } from '../errors.ts';
import type { SourceSpec } from './source.ts';

export interface ResolvedExport {
  connector: Connector;
  source: SourceSpec;
  partitionOn: string | null;
  /** Ranges to cut: of partitionOn when given, else of the table's pages (1: no split). */
  partitions: number;
  /** n+1 bound values as text, or null. */
  bounds: string[] | null;
  format: ExportFormat;
  header: boolean;
  consistent: boolean;
  signal: AbortSignal | null;
}

const FORMATS: readonly ExportFormat[] = ['csv', 'ndjson', 'binary'];
const DEFAULT_KEYED_PARTITIONS = 4;

export function resolveExportOptions(options: ExportOptions): ResolvedExport {
  const connector = resolveConnector(options);
  const source = resolveSource(options);
  const format = options.format ?? 'csv';
  if (!FORMATS.includes(format)) {
    throw new LoadConfigError(`format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  }
  const partitionOn = options.partitionOn ?? null;
  if (partitionOn === '') throw new LoadConfigError('partitionOn is empty');
  const bounds = options.bounds ? resolveBounds(options.bounds) : null;
  if (bounds && partitionOn === null)
    throw new LoadConfigError('bounds need partitionOn: the column they bound');
  const partitions = resolvePartitions(options.partitions, bounds, partitionOn);
  if (partitions > 1 && partitionOn === null && 'query' in source) {
    throw new LoadConfigError(
      `${partitions} partitions of a query need partitionOn: a column to split its rows by (a table splits by its pages without one)`,
    );
  }
  return {
    connector,
    source,
    partitionOn,
    partitions,
    bounds,
    format,
    header: options.header ?? true,
    consistent: options.consistent ?? true,
    signal: options.signal ?? null,
  };
}

function resolveSource(options: ExportOptions): SourceSpec {
  const { table, query } = options;
  if (table !== undefined && query !== undefined) {
    throw new LoadConfigError('pass either table or query to export, not both');
  }
  if (table !== undefined && table.trim() !== '') return { table };
  if (query !== undefined && query.trim() !== '') return { query };
  throw new LoadConfigError('nothing to export: pass table (a name) or query (a SELECT)');
}

function resolvePartitions(
  given: number | undefined,
  bounds: readonly string[] | null,
  partitionOn: string | null,
): number {
  if (given !== undefined && !(Number.isInteger(given) && given >= 1)) {
    throw new LoadConfigError(`partitions must be a whole number of at least 1, not ${given}`);
  }
  if (bounds) {
    if (given !== undefined && given !== bounds.length - 1) {
      throw new LoadConfigError(
        `${bounds.length} bounds give ${bounds.length - 1} partitions, but partitions is ${given}`,
      );
    }
    return bounds.length - 1;
  }
  // Without a key the default stays one COPY: the output is then the server's, in the table's order.
  if (partitionOn === null) return given ?? 1;
  return given ?? DEFAULT_KEYED_PARTITIONS;
}

function resolveBounds(bounds: readonly (string | number | bigint)[]): string[] {
  if (bounds.length < 2) {
    throw new LoadConfigError('bounds need at least two values (n+1 values give n partitions)');
  }
  return bounds.map((value) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new LoadConfigError(`bounds: ${value} is not a finite number`);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
      throw new LoadConfigError(`bounds: ${String(value)} is not a string, number or bigint`);
    }
    return String(value);
  });
}
