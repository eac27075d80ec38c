/**
 * The built-in types a registry starts with: every type in the Oid table (so arrays of any of them
 * decode from text as arrays), and for each family its text decoder, binary codec and FromText
 * converter where it has one. A type without a text decoder decodes as text; one without a codec or
 * converter needs text COPY (xml: xml_recv reads an encoding declaration that xml_in ignores; money
 * under an lc_monetary other than C/POSIX: cash_in reads that locale's symbols, which a client cannot
 * look up; geometric, range, bit and other types: not written yet).
 */

import { boolCodec } from './bool/binary.ts';
import { boolConverter } from './bool/from-text.ts';
import { decodeBool } from './bool/text.ts';
import { byteaCodec } from './bytea/binary.ts';
import { byteaConverter } from './bytea/from-text.ts';
import { decodeBytea } from './bytea/text.ts';
// The families other modules own: numeric, date/time, interval, network.
import {
  dateCodec,
  dateConverter,
  decodeDate,
  decodeTimestamp,
  decodeTimestamptz,
  timeCodec,
  timeConverter,
  timestampCodec,
  timestampConverter,
  timestamptzCodec,
  zoneRules,
} from './datetime/index.ts';
import { float4Codec, float8Codec } from './floats/binary.ts';
import { floatConverter } from './floats/from-text.ts';
import { decodeFloat } from './floats/text.ts';
import { int2Codec, int4Codec, int8Codec } from './integers/binary.ts';
import { integerConverter } from './integers/from-text.ts';
import { oidConverter } from './integers/oid-from-text.ts';
import { decodeInt, decodeInt8AsBigInt, decodeInt8AsNumber, decodeInt8AsString } from './integers/text.ts';
import { intervalCodec } from './interval/binary.ts';
import { intervalConverter } from './interval/from-text.ts';
import { jsonbCodec, jsonCodec } from './json/binary.ts';
import { jsonbConverter } from './json/from-text.ts';
import { decodeJson } from './json/text.ts';
import { moneyConverterFor } from './money/from-text.ts';
import { cidrCodec, inetCodec } from './network/binary.ts';
import { cidrConverter, inetConverter } from './network/inet-text.ts';
import { macaddr8Converter, macaddrConverter } from './network/macaddr-text.ts';
import { decodeNumeric, numericCodec, numericConverter } from './numeric/index.ts';
import { ArrayOid, BOX_ARRAY_DELIMITER, Oid, type TypeName } from './oids.ts';
import type { FieldDecoder, TypeDefinition, TypeOptions } from './registry.ts';
import { PG16 } from './shared/session.ts';
import { bpcharCodec, citextCodec, nameCodec, textCodec, varcharCodec } from './text/binary.ts';
import { charConverter, nameConverter, textConverter } from './text/from-text.ts';
import { uuidCodec } from './uuid/binary.ts';
import { uuidConverter } from './uuid/from-text.ts';

/** "char" reads '\ooo' escapes from PostgreSQL 15 on. */
const CHAR_ESCAPES = 150_000;

type Family = Omit<TypeDefinition, 'name' | 'oid'>;

/** What each built-in type has beyond its name and OIDs; types not listed decode as text. */
function families(options: Readonly<TypeOptions>): Partial<Record<TypeName, Family>> {
  const dates = (decoder: FieldDecoder): FieldDecoder | undefined =>
    options.dates === 'date' ? decoder : undefined;
  const json = options.json === 'parsed' ? decodeJson : undefined;
  const int8 =
    options.int8 === 'string'
      ? decodeInt8AsString
      : options.int8 === 'number'
        ? decodeInt8AsNumber
        : decodeInt8AsBigInt;
  return {
    bool: { textDecode: decodeBool, binary: boolCodec, fromText: () => boolConverter },
    int2: { textDecode: decodeInt, binary: int2Codec, fromText: (s) => integerConverter('int2', s) },
    int4: { textDecode: decodeInt, binary: int4Codec, fromText: (s) => integerConverter('int4', s) },
    int8: { textDecode: int8, binary: int8Codec, fromText: (s) => integerConverter('int8', s) },
    oid: { textDecode: decodeInt, fromText: oidConverter },
    float4: {
      textDecode: decodeFloat,
      binary: float4Codec,
      // Before 16, float4in quoted the whole input in its out-of-range message.
      fromText: (s) => floatConverter('float4', (s.serverVersion ?? PG16) < PG16),
    },
    float8: { textDecode: decodeFloat, binary: float8Codec, fromText: () => floatConverter('float8', false) },
    numeric: { textDecode: decodeNumeric, binary: numericCodec, fromText: numericConverter },
    text: { binary: textCodec, fromText: () => textConverter('text') },
    varchar: { binary: varcharCodec, fromText: () => textConverter('varchar') },
    bpchar: { binary: bpcharCodec, fromText: () => textConverter('bpchar') },
    name: { binary: nameCodec, fromText: () => nameConverter },
    char: {
      fromText: (s) =>
        charConverter(s.serverVersion === undefined ? undefined : s.serverVersion >= CHAR_ESCAPES),
    },
    bytea: { textDecode: decodeBytea, binary: byteaCodec, fromText: () => byteaConverter },
    uuid: { binary: uuidCodec, fromText: () => uuidConverter },
    json: { textDecode: json, binary: jsonCodec, fromText: () => textConverter('json') },
    jsonb: { textDecode: json, binary: jsonbCodec, fromText: () => jsonbConverter },
    date: { textDecode: dates(decodeDate), binary: dateCodec, fromText: dateConverter },
    time: { binary: timeCodec, fromText: (s) => timeConverter(null, s) },
    timetz: {
      fromText: (s) => {
        const zone = zoneRules(s.timeZone);
        return zone === null ? null : timeConverter(zone, s);
      },
    },
    timestamp: {
      textDecode: dates(decodeTimestamp),
      binary: timestampCodec,
      fromText: (s) => timestampConverter(null, s),
    },
    timestamptz: {
      textDecode: dates(decodeTimestamptz),
      binary: timestamptzCodec,
      fromText: (s) => {
        const zone = zoneRules(s.timeZone);
        return zone === null ? null : timestampConverter(zone, s);
      },
    },
    interval: { binary: intervalCodec, fromText: intervalConverter },
    inet: { binary: inetCodec, fromText: () => inetConverter },
    cidr: { binary: cidrCodec, fromText: () => cidrConverter },
    macaddr: { fromText: () => macaddrConverter },
    macaddr8: { fromText: () => macaddr8Converter },
    money: { fromText: moneyConverterFor },
  };
}

/** The built-in type definitions, with text decoders chosen by `options`. */
export function builtinDefinitions(options: Readonly<TypeOptions>): TypeDefinition[] {
  const extra = families(options);
  const arrays = ArrayOid as Partial<Record<TypeName, number>>;
  const definitions: TypeDefinition[] = [];
  for (const name of Object.keys(Oid) as TypeName[]) {
    const arrayOid = arrays[name];
    definitions.push({
      name,
      oid: Oid[name],
      ...(arrayOid === undefined ? {} : { arrayOid }),
      ...(name === 'box' ? { delimiter: BOX_ARRAY_DELIMITER } : {}),
      ...extra[name],
    });
  }
  // citext is an extension type: its OIDs differ per database, so by name only until registered.
  definitions.push({ name: 'citext', oid: 0, binary: citextCodec, fromText: () => textConverter('citext') });
  return definitions;
}
