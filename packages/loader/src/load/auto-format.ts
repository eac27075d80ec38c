/**
 * What copyFormat 'auto' picks, from measurements of the bench's 1,000,000-row, 128 MB CSV (7
 * columns: int8, text, float8, timestamptz, bool, uuid, text; PG 15 on the same 2-core machine).
 * CPU seconds per load, client / server backends, medians of 5 interleaved runs:
 *
 *   raw, 2 shards     0.72 / 1.84   the server parses the CSV (type input: ~70% of its time)
 *   binary, 1 shard   1.55 / 0.68   this thread converts every field
 *   mixed, 2 shards   1.20 / 1.19   dealer.ts: raw while a raw backend keeps up, binary meanwhile
 *   psql \copy        0.13 / 1.87
 *
 * Each format is bound by something else: raw by the server's parsing (one backend per shard), binary
 * by this one thread, and on 2 cores by total CPU / 2. Floors on 2 cores: raw 1.28 s (total / 2),
 * binary 1.55 s (the client), mixed 1.23 s; the dealer also moves towards raw by itself where there are
 * more cores (raw shards then rarely fill) or the server is another machine. So:
 * - several shards, onError 'abort', mode 'atomic': mixed;
 * - one shard: binary (a single backend parsing CSV is the slowest way: 1.9 s of server CPU in a row,
 *   while binary overlaps the client's 1.55 s with the backend's 0.68 s);
 * - onError 'reject': binary, as before: bad rows are expected, and each the converters find costs
 *   microseconds, where each the server finds costs a refused COPY and a rollback (about 0.3 ms);
 * - mode 'batches' (a batch's chunks all go to one shard, one COPY format): raw;
 * - and raw where a column has no binary converter, text where raw does not fit either.
 * One core (client and server on it) favours binary (2.25 s of CPU against mixed's 2.4), but a load
 * cannot tell whether the server shares its cores, so that case is left to copyFormat 'binary'.
 */
import type { LoadOptions } from '../api.ts';

export interface FormatFacts {
  /** The source's fields map one to one, in order, onto the columns (raw fits). */
  rawFits: boolean;
  /** Why binary cannot be used (a column without a converter), if it cannot. */
  textReason: string | undefined;
}

export function autoFormat(
  options: Pick<LoadOptions, 'shards' | 'onError' | 'mode'>,
  facts: FormatFacts,
): 'binary' | 'text' | 'raw' | 'mixed' {
  const { rawFits, textReason } = facts;
  if (textReason) return rawFits ? 'raw' : 'text';
  if (!rawFits || options.onError === 'reject') return 'binary';
  if (options.mode === 'batches') return 'raw';
  // The default shard count ('auto', or none given) is several.
  const several = typeof options.shards !== 'number' || options.shards > 1;
  return several ? 'mixed' : 'binary';
}
