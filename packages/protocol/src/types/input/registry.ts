/**
 * Which FromText converter writes a built-in type's binary value from its text, by `typname`. null
 * means none: a loader then uses text COPY and the server parses every field. Types without one: xml
 * (xml_recv reads an encoding declaration that xml_in ignores), money under an lc_monetary other
 * than C/POSIX (cash_in reads that locale's symbols, which a client cannot look up), geometric,
 * range, bit and other types, and arrays of them.
 */

import type { FromText as FieldConverter } from '../from-text.ts';
import { intervalConverter } from '../interval/from-text.ts';
import { moneyConverterFor } from '../money/from-text.ts';
import { cidrConverter, inetConverter } from '../network/inet-text.ts';
import { macaddr8Converter, macaddrConverter } from '../network/macaddr-text.ts';
import { arrayConverter, BUILTIN_OIDS } from './array.ts';
import { boolConverter } from './bool.ts';
import { byteaConverter } from './bytea.ts';
import { dateConverter } from './date.ts';
import { floatConverter } from './float.ts';
import { integerConverter } from './integer.ts';
import { numericConverter } from './numeric.ts';
import { oidConverter } from './oid.ts';
import { type ConversionSession, PG16 } from './session.ts';
import { charConverter, jsonbConverter, nameConverter, textConverter } from './text.ts';
import { timeConverter } from './time.ts';
import { zoneRules } from './time-zone.ts';
import { timestampConverter } from './timestamp.ts';
import { uuidConverter } from './uuid.ts';

export { arrayConverter, BUILTIN_OIDS } from './array.ts';
export type { ConversionSession } from './session.ts';
export { textConverter } from './text.ts';
export { zoneRules } from './time-zone.ts';

/** "char" reads '\ooo' escapes from PostgreSQL 15 on. */
const CHAR_ESCAPES = 150_000;

/** The converter for a scalar type by `typname`, or null. */
export function scalarConverter(typeName: string, session: ConversionSession): FieldConverter | null {
  switch (typeName) {
    case 'bool':
      return boolConverter;
    case 'int2':
    case 'int4':
    case 'int8':
      return integerConverter(typeName, session);
    case 'oid':
      return oidConverter(session);
    case 'float4':
    case 'float8':
      return floatConverter(typeName, typeName === 'float4' && (session.serverVersion ?? PG16) < PG16);
    case 'numeric':
      return numericConverter(session);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
    case 'json':
      return textConverter(typeName);
    case 'jsonb':
      return jsonbConverter;
    case 'name':
      return nameConverter;
    case 'char':
      return charConverter(
        session.serverVersion === undefined ? undefined : session.serverVersion >= CHAR_ESCAPES,
      );
    case 'bytea':
      return byteaConverter;
    case 'uuid':
      return uuidConverter;
    case 'date':
      return dateConverter(session);
    case 'timestamp':
      return timestampConverter(null, session);
    case 'time':
      return timeConverter(null, session);
    case 'interval':
      return intervalConverter(session);
    case 'inet':
      return inetConverter;
    case 'cidr':
      return cidrConverter;
    case 'macaddr':
      return macaddrConverter;
    case 'macaddr8':
      return macaddr8Converter;
    case 'money':
      return moneyConverterFor(session);
    case 'timestamptz':
    case 'timetz': {
      const zone = zoneRules(session.timeZone);
      if (zone === null) return null;
      return typeName === 'timestamptz' ? timestampConverter(zone, session) : timeConverter(zone, session);
    }
    default:
      return null;
  }
}

/** The converter for a built-in scalar type or an array of one ('_int4'), by `typname`, or null. */
export function inputConverter(typeName: string, session: ConversionSession): FieldConverter | null {
  if (!typeName.startsWith('_')) return scalarConverter(typeName, session);
  const elementName = typeName.slice(1);
  const elementOid = BUILTIN_OIDS[elementName];
  const element = elementOid === undefined ? null : scalarConverter(elementName, session);
  return element === null || elementOid === undefined ? null : arrayConverter(element, elementOid);
}
