/** Moved to ../numeric/ (the numeric family); kept until the binary registry imports it from there. */
export { decodeNumericText, encodeNumericText, numericCodec } from '../numeric/index.ts';
