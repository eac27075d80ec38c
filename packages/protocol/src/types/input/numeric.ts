/** Moved to ../numeric/ (the numeric family); kept until the input registry imports it from there. */
export { numericConverter } from '../numeric/index.ts';
