/**
 * @haul/protocol/types — PostgreSQL's type formats in one registry: per type its text decoder (query
 * results), binary codec (COPY, binary values) and FromText converter (a field's text → its binary
 * form, what a loader sends in binary COPY), by OID or name; plus the OID constants.
 */
export { arrayCodec } from './arrays/binary.ts';
export { arrayConverter } from './arrays/from-text.ts';
export { arrayDecoder, decodeArray, encodeArray, quoteArrayElement } from './arrays/text.ts';
export { boolCodec } from './bool/binary.ts';
export { byteaCodec } from './bytea/binary.ts';
export { dateCodec, timeCodec, timestampCodec, timestamptzCodec, zoneRules } from './datetime/index.ts';
export { float4Codec, float8Codec } from './floats/binary.ts';
export type { FromText } from './from-text.ts';
export { int2Codec, int4Codec, int8Codec } from './integers/binary.ts';
export { type Interval, intervalCodec } from './interval/binary.ts';
export { convertsIntervalTypmod, intervalConverter } from './interval/from-text.ts';
export { jsonbCodec, jsonCodec } from './json/binary.ts';
export { moneyConverterFor } from './money/from-text.ts';
export { cidrCodec, inetCodec } from './network/binary.ts';
export { cidrConverter, inetConverter } from './network/inet-text.ts';
export { macaddr8Converter, macaddrConverter } from './network/macaddr-text.ts';
export { numericCodec } from './numeric/index.ts';
export { ArrayOid, Oid, type TypeName } from './oids.ts';
export {
  builtinTypes,
  DEFAULT_TYPE_OPTIONS,
  type FieldDecoder,
  type TypeDefinition,
  type TypeEntry,
  type TypeOptions,
  TypeRegistry,
  textDecoder,
} from './registry.ts';
export { type BinaryCodec, UnsupportedTypeError, ValueError } from './shared/codec.ts';
export type { ConversionSession } from './shared/session.ts';
export { bpcharCodec, nameCodec, textCodec, textLikeCodec, varcharCodec } from './text/binary.ts';
export { textConverter } from './text/from-text.ts';
export { decodeText } from './text/text.ts';
export { parseTypeName } from './type-names.ts';
export { uuidCodec } from './uuid/binary.ts';
