/** Moved to ./datetime/ (the date/time family); kept until the type registry and params import it from there. */
export * from './datetime/index.ts';
