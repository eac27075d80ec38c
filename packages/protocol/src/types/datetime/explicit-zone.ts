/**
 * Which offset a parsed date/time's own zone stands for, given the session: the server version
 * decides two readings ('+infinity', and zone words that are also the session zone's abbreviation).
 */

import { notConverted } from '../shared/input-errors.ts';
import type { ConversionSession } from '../shared/session.ts';
import { parsed } from './fields.ts';
import type { ZoneRules } from './time-zone.ts';

/** PostgreSQL 17 reads '+infinity'; 18 reads the session zone's own abbreviations before its table. */
const PLUS_INFINITY = 170_000;
const SESSION_ABBREVIATIONS = 180_000;
const KNOWN_WITHOUT = 160_000;

/** Whether the server reads '+infinity' as infinity; undefined where that is not known. */
export function readsPlusInfinity(session: ConversionSession): boolean | undefined {
  const version = session.serverVersion;
  if (version === undefined || (version >= KNOWN_WITHOUT && version < PLUS_INFINITY)) return undefined;
  return version >= PLUS_INFINITY;
}

/**
 * The offset (seconds east) of the zone written in the text, or NaN if none was written or it names
 * the session zone itself. Throws "not converted" where that depends on a version not known.
 */
export function writtenOffset(
  zone: ZoneRules | null,
  session: ConversionSession,
  label: string,
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  if (!parsed.hasZone) return Number.NaN;
  if (zone !== null && parsed.zoneWord !== '' && parsed.zoneWord === zone.shadowedWord) {
    const version = session.serverVersion;
    if (version !== undefined && version >= SESSION_ABBREVIATIONS) return Number.NaN;
    if (version === undefined || version >= KNOWN_WITHOUT) {
      throw notConverted(
        label,
        bytes,
        start,
        end,
        `'${parsed.zoneWord}' is also the session zone's abbreviation`,
      );
    }
  }
  return parsed.offset;
}
