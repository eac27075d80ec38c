/** Moved to ../datetime/ (the date/time family); kept until the binary registry imports it from there. */
export * from '../datetime/binary.ts';
