/**
 * time and timetz from text: 'HH:MM[:SS[.fraction]]', optionally after a date (dropped) and before a
 * zone (dropped for time). time_send writes int64 µs since midnight (up to 24:00:00); timetz_send adds
 * int32 seconds WEST of UTC. timetz without a zone takes the session zone's offset on the date given,
 * or today's when none is: converted only for a zone whose offset is fixed, since "today" is the
 * server's.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { invalidSyntax, notConverted } from '../shared/input-errors.ts';
import { putInt32, putSafeInt64 } from '../shared/int64.ts';
import type { ConversionSession } from '../shared/session.ts';
import { daysFromCivil } from './calendar.ts';
import { writtenOffset } from './explicit-zone.ts';
import { parsed } from './fields.ts';
import { parseDateTime } from './parse.ts';
import type { ZoneRules } from './time-zone.ts';

/** `zone` null: time. Otherwise timetz, with the session's zone for text without an offset. */
export function timeConverter(zone: ZoneRules | null, session: ConversionSession): FieldConverter {
  const withZone = zone !== null;
  const label = withZone ? 'time with time zone' : 'time';
  return {
    type: withZone ? 'timetz' : 'time',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      parseDateTime(label, bytes, start, end, true);
      if (!parsed.hasTime) throw invalidSyntax(label, bytes, start, end);
      const seconds = parsed.hour * 3600 + parsed.minute * 60 + parsed.second;
      w.ensure(withZone ? 12 : 8);
      putSafeInt64(w.bytes, w.length, seconds * 1_000_000 + parsed.micros);
      w.length += 8;
      if (zone === null) return;
      // The zone written in the text, else the session zone's: fixed, or on the date given.
      let offset = writtenOffset(zone, session, label, bytes, start, end);
      if (Number.isNaN(offset)) offset = zone.fixedOffset;
      if (Number.isNaN(offset)) {
        if (!parsed.hasDate) {
          const why = `without a date or offset its zone depends on the server's date in ${zone.name}`;
          throw notConverted(label, bytes, start, end, why);
        }
        const local = daysFromCivil(parsed.year, parsed.month, parsed.day) * 86_400 + seconds;
        offset = local - zone.utcOf(local);
      }
      putInt32(w.bytes, w.length, -offset);
      w.length += 4;
    },
  };
}
