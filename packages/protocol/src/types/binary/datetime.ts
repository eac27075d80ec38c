/** Moved to ../datetime/ (the date/time family); kept until the binary registry imports it from there. */
export {
  dateCodec,
  dateStringCodec,
  timeCodec,
  timestampCodec,
  timestampMicros,
  timestampStringCodec,
  timestamptzCodec,
  timestamptzStringCodec,
} from '../datetime/index.ts';
