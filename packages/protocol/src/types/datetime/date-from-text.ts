/**
 * date from text (see datetime-text.ts for the forms read) as date_send writes it: int32 days from
 * 2000-01-01, INT32_MAX / INT32_MIN for infinity / -infinity. A time or zone after the date is checked
 * and dropped, as date_in drops it.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { withValue } from '../shared/input-errors.ts';
import { putInt32 } from '../shared/int64.ts';
import type { ConversionSession } from '../shared/session.ts';
import { daysFromCivil, END_DATE, isValidJulian, MIN_DATE, POSTGRES_EPOCH_DAYS } from './calendar.ts';
import { readsPlusInfinity } from './explicit-zone.ts';
import { parsed, SPECIAL_EPOCH, SPECIAL_INFINITY, SPECIAL_NEGATIVE_INFINITY } from './fields.ts';
import { parseDateTime } from './parse.ts';

export function dateConverter(session: ConversionSession): FieldConverter {
  return dateFromText(readsPlusInfinity(session));
}

/** `plusInfinity`: whether '+infinity' reads as infinity; undefined: not known (it is not converted). */
export function dateFromText(plusInfinity: boolean | undefined): FieldConverter {
  return {
    type: 'date',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      parseDateTime('date', bytes, start, end, false, plusInfinity);
      let days: number;
      switch (parsed.special) {
        case SPECIAL_INFINITY:
          days = 0x7fffffff;
          break;
        case SPECIAL_NEGATIVE_INFINITY:
          days = -0x80000000;
          break;
        case SPECIAL_EPOCH:
          days = -POSTGRES_EPOCH_DAYS;
          break;
        default: {
          const { year, month, day } = parsed;
          days = daysFromCivil(year, month, day) - POSTGRES_EPOCH_DAYS;
          if (!isValidJulian(year, month) || days < MIN_DATE || days >= END_DATE) {
            throw withValue('date out of range', bytes, start, end);
          }
        }
      }
      w.ensure(4);
      putInt32(w.bytes, w.length, days);
      w.length += 4;
    },
  };
}
