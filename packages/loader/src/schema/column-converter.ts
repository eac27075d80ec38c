/**
 * Which converter writes a target column's binary COPY value from its CSV text, from what the catalog
 * says of the column. null means none: the loader then uses text COPY for the whole load and the
 * server parses every field.
 *
 * A domain converts as its base type (binary COPY into a domain still checks its constraints on the
 * server); an enum as its label's text. Arrays whose element is not a built-in type (enums, extension
 * types) have none.
 */
import { builtinTypes, type ConversionSession, type FromText, textConverter } from '@haul/protocol/types';
import type { TargetColumn } from './target.ts';

export function converterFor(column: TargetColumn, session: ConversionSession): FromText | null {
  if (column.typtype === 'e') return textConverter(column.typeName);
  // Typnames in double quotes are exact: "char" is the one-byte type, not SQL's char (bpchar).
  if (column.typtype === 'd') return builtinTypes.fromText(`"${column.baseTypeName}"`, session);
  if (column.typeName.startsWith('_') && column.elementTypeName !== null) {
    return builtinTypes.fromText(`"_${column.elementTypeName}"`, session);
  }
  return builtinTypes.fromText(`"${column.typeName}"`, session);
}
