/**
 * timestamp and timestamptz from text (see datetime-text.ts for the forms read) as their send
 * functions write them: int64 µs from 2000-01-01 00:00 (wall clock for timestamp, UTC for
 * timestamptz), INT64_MAX / INT64_MIN for infinity / -infinity, 'epoch' 1970-01-01 00:00 (UTC).
 *
 * timestamp drops a zone it is given, as timestamp_in does. timestamptz without one is local time in
 * the session's zone (time-zone.ts); the zone is chosen from whole seconds, the fraction added after,
 * as the server does. Range: 4714-11-24 00:00 BC up to 294277-01-01 00:00 (excluded), checked after
 * the offset is applied.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { withValue } from '../shared/input-errors.ts';
import { putMicros, putWords } from '../shared/int64.ts';
import type { ConversionSession } from '../shared/session.ts';
import {
  daysFromCivil,
  END_TIMESTAMP_SECONDS,
  isValidJulian,
  MIN_TIMESTAMP_SECONDS,
  POSTGRES_EPOCH_SECONDS,
} from './calendar.ts';
import { readsPlusInfinity, writtenOffset } from './explicit-zone.ts';
import { parsed, SPECIAL_EPOCH, SPECIAL_INFINITY, SPECIAL_NEGATIVE_INFINITY } from './fields.ts';
import { parseDateTime } from './parse.ts';
import type { ZoneRules } from './time-zone.ts';

/**
 * `zone` null: timestamp (without time zone). Otherwise timestamptz, with the session's zone for text
 * that carries no offset of its own.
 */
export function timestampConverter(zone: ZoneRules | null, session: ConversionSession): FieldConverter {
  return timestampFromText(zone, session, readsPlusInfinity(session));
}

/** timestampConverter with `plusInfinity` given: whether '+infinity' reads as infinity (undefined: not known). */
export function timestampFromText(
  zone: ZoneRules | null,
  session: ConversionSession,
  plusInfinity: boolean | undefined,
): FieldConverter {
  const withZone = zone !== null;
  const label = withZone ? 'timestamp with time zone' : 'timestamp';
  return {
    type: withZone ? 'timestamptz' : 'timestamp',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      parseDateTime(label, bytes, start, end, false, plusInfinity);
      w.ensure(8);
      const out = w.bytes;
      const at = w.length;
      w.length += 8;
      switch (parsed.special) {
        case SPECIAL_INFINITY:
          putWords(out, at, 0x7fffffff, 0xffffffff);
          return;
        case SPECIAL_NEGATIVE_INFINITY:
          putWords(out, at, 0x80000000, 0);
          return;
        case SPECIAL_EPOCH:
          putMicros(out, at, -POSTGRES_EPOCH_SECONDS, 0);
          return;
      }
      const { year, month, day } = parsed;
      if (!isValidJulian(year, month)) throw withValue('timestamp out of range', bytes, start, end);
      let seconds =
        daysFromCivil(year, month, day) * 86_400 + parsed.hour * 3600 + parsed.minute * 60 + parsed.second;
      if (zone !== null) {
        const offset = writtenOffset(zone, session, label, bytes, start, end);
        seconds = Number.isNaN(offset) ? zone.utcOf(seconds) : seconds - offset;
      }
      seconds -= POSTGRES_EPOCH_SECONDS;
      let micros = parsed.micros;
      if (micros === 1_000_000) {
        seconds += 1;
        micros = 0;
      }
      if (seconds < MIN_TIMESTAMP_SECONDS || seconds >= END_TIMESTAMP_SECONDS) {
        throw withValue('timestamp out of range', bytes, start, end);
      }
      putMicros(out, at, seconds, micros);
    },
  };
}
