/**
 * Which converter writes a target column's binary COPY value from its CSV text, from what the catalog
 * says of the column. null means none: the loader then uses text COPY for the whole load and the
 * server parses every field.
 *
 * A domain converts as its base type (binary COPY into a domain still checks its constraints on the
 * server); an enum as its label's text (enum_send writes the label). An array, of a built-in type, an
 * enum or a domain, converts its elements so, under the element type's OID from the catalog, which
 * array_recv checks against the column's (for an array of a domain, the domain's OID).
 */
import {
  arrayConverter,
  builtinTypes,
  type ConversionSession,
  convertsIntervalTypmod,
  type FromText,
  textConverter,
} from '@haul/protocol/types';
import type { TargetColumn } from './target.ts';

function scalarFor(
  typeName: string,
  typtype: string,
  typmod: number,
  session: ConversionSession,
): FromText | null {
  if (typtype === 'e') return textConverter(typeName);
  if (typeName === 'interval' && !convertsIntervalTypmod(typmod)) return null;
  // Typnames in double quotes are exact: "char" is the one-byte type, not SQL's char (bpchar).
  return builtinTypes.fromText(`"${typeName}"`, session);
}

export function converterFor(column: TargetColumn, session: ConversionSession): FromText | null {
  const { elementOid, elementBaseTypeName, elementBaseTyptype } = column;
  // Array types are named '_element'; other varlena types with an element (int2vector) are not arrays.
  if (column.baseTypeName.startsWith('_') && elementOid !== null && elementBaseTypeName !== null) {
    const element = scalarFor(elementBaseTypeName, elementBaseTyptype ?? 'b', column.baseTypmod, session);
    return element === null ? null : arrayConverter(element, elementOid);
  }
  return scalarFor(column.baseTypeName, column.baseTyptype, column.baseTypmod, session);
}
