/**
 * @haul/protocol/types — PostgreSQL's type formats: text decoders, binary codecs, and the FromText
 * converters that turn a field's text into its binary form (what a loader sends in binary COPY).
 */
export type { FromText } from './from-text.ts';
export {
  arrayConverter,
  BUILTIN_OIDS,
  type ConversionSession,
  inputConverter,
  scalarConverter,
  textConverter,
  zoneRules,
} from './input/registry.ts';
export { convertsIntervalTypmod } from './interval/from-text.ts';
