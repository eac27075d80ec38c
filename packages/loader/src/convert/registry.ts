/**
 * Which converter writes a column's binary COPY value from its CSV text. null means none: the loader
 * then uses text COPY for the whole load and the server parses every field.
 *
 * A domain converts as its base type (binary COPY into a domain still checks its constraints on the
 * server); an enum as its label's text. Types without a converter: xml (xml_recv reads an encoding
 * declaration that xml_in ignores), interval, money, network, geometric, range, bit and other types,
 * arrays of them, and arrays whose element OID is not fixed (enums, extension types).
 */
import type { TargetColumn } from '../schema/target.ts';
import { arrayConverter, BUILTIN_OIDS } from './array.ts';
import { boolConverter } from './bool.ts';
import { byteaConverter } from './bytea.ts';
import type { FieldConverter } from './converter.ts';
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

export type { ConversionSession } from './session.ts';

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

export function converterFor(column: TargetColumn, session: ConversionSession): FieldConverter | null {
  if (column.typtype === 'e') return textConverter(column.typeName);
  const typeName = column.typtype === 'd' ? column.baseTypeName : column.typeName;
  if (typeName.startsWith('_')) {
    const elementName =
      column.typtype === 'd' ? typeName.slice(1) : (column.elementTypeName ?? typeName.slice(1));
    const elementOid = BUILTIN_OIDS[elementName];
    const element = elementOid === undefined ? null : scalarConverter(elementName, session);
    return element === null || elementOid === undefined ? null : arrayConverter(element, elementOid);
  }
  return scalarConverter(typeName, session);
}
