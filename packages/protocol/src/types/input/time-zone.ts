/** Moved to ../datetime/ (the date/time family); kept until the input registry imports it from there. */
export { zoneRules } from '../datetime/index.ts';
