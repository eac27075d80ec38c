/** Moved to ./datetime/ (the date/time family); kept until the type registry and params import it from there. */
export { decodeDate, decodeTimestamp, decodeTimestamptz, encodeTimestamptz } from './datetime/index.ts';
