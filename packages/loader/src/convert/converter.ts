/** Text → binary COPY conversion for one column: the protocol's FromText (one definition, there). */
export type { FromText as FieldConverter } from '@haul/protocol';
