/**
 * The session time zone, for timestamptz text without an offset: local wall-clock seconds → UTC
 * seconds, with DST gaps and overlaps resolved as the server's DetermineTimeZoneOffset does. It finds
 * the first transition after (local − 1 day, read as UTC) and tries the offsets before and after it;
 * when the local time is valid in just one, that one; when it is skipped (spring forward) or repeated
 * (fall back), the later instant — i.e. a skipped 02:30 is read with the old offset (03:30 new time),
 * a repeated 01:30 with the new one (the second 01:30).
 *
 * Offsets come from Intl.DateTimeFormat (ICU's tz data, which should match the server's for the
 * dates in question) and are cached per UTC day: one Intl call per day first seen, a binary search to
 * the second on days with a transition, none for days already known. A day is assumed to hold at
 * most one transition. POSIX-style fixed offsets as the server reports them ('<+05:30>-05:30',
 * 'UTC+3', which is UTC−3) are handled without Intl; POSIX rules with DST are not supported.
 */
import { daysFromCivil } from './calendar.ts';

export interface ZoneRules {
  /** The zone's name as given. */
  readonly name: string;
  /** The offset east of UTC in seconds if it never changes, else NaN. */
  readonly fixedOffset: number;
  /**
   * The zone's own abbreviation in lower case when it is one of the words the converters read as
   * zones ('utc', 'gmt', 'z'), else ''. PostgreSQL 18 reads such a word as the session zone (so with
   * TimeZone 'UTC+3', 'UTC' in text means UTC-3), older servers as UTC.
   */
  readonly shadowedWord: string;
  /** UTC seconds (from 1970) for local wall-clock seconds (from 1970-01-01 local). */
  utcOf(localSeconds: number): number;
}

const DAY = 86_400;
/** Days per cache page. */
const PAGE = 1024;
/** Gregorian years repeat every 400 years (146,097 days), weekdays included: so do DST rules. */
const CYCLE_SECONDS = 146_097 * DAY;
/** A little inside Date's range (±8.64e15 ms); later instants are folded back by whole cycles. */
const LATEST_DATE_SECONDS = 8.6e12;

class FixedZone implements ZoneRules {
  constructor(
    readonly name: string,
    readonly fixedOffset: number,
    readonly shadowedWord = '',
  ) {}

  utcOf(localSeconds: number): number {
    return localSeconds - this.fixedOffset;
  }
}

/** A page of days: each day's start offset, and whether the days around it have no transition. */
interface DayPage {
  /** Offset east at 00:00 UTC of each day; NaN where not yet known. */
  readonly offsets: Float64Array;
  /** 0 not yet known; 1 quiet: days d-1 .. d+4 all start with the same offset; 2 not quiet. */
  readonly quiet: Uint8Array;
}

class IntlZone implements ZoneRules {
  readonly fixedOffset = Number.NaN;
  /** tz data zones call UTC+0 (only) 'UTC' / 'GMT', so the words mean the same either way. */
  readonly shadowedWord = '';
  private readonly format: Intl.DateTimeFormat;
  private readonly pages = new Map<number, DayPage>();
  /** For a day whose start offset differs from the next day's: the first second of the new offset. */
  private readonly transitions = new Map<number, number>();
  private lastPageIndex = Number.NaN;
  private lastPage: DayPage = { offsets: new Float64Array(0), quiet: new Uint8Array(0) };

  constructor(
    readonly name: string,
    format: Intl.DateTimeFormat,
  ) {
    this.format = format;
  }

  utcOf(localSeconds: number): number {
    const localDay = Math.floor(localSeconds / DAY);
    const page = this.page(localDay);
    const slot = localDay - Math.floor(localDay / PAGE) * PAGE;
    let quiet = page.quiet[slot];
    if (quiet === 0) {
      // For any local time on localDay, `previous` (below) falls on UTC day localDay - 1, and a
      // transition that matters lies within three days after it.
      const offset = this.dayStartOffset(localDay - 1);
      quiet = 1;
      for (let day = localDay; day <= localDay + 4; day++) if (this.dayStartOffset(day) !== offset) quiet = 2;
      page.quiet[slot] = quiet;
    }
    if (quiet === 1) return localSeconds - page.offsets[slot]!;
    return this.resolve(localSeconds, localDay - 1);
  }

  /** DetermineTimeZoneOffset near transitions (see the file comment). */
  private resolve(localSeconds: number, first: number): number {
    const previous = localSeconds - DAY;
    let before = this.dayStartOffset(first);
    let boundary = Number.POSITIVE_INFINITY;
    let after = before;
    for (let day = first; day < first + 4; day++) {
      const from = this.dayStartOffset(day);
      const to = this.dayStartOffset(day + 1);
      if (from === to) continue;
      const at = this.transitionOn(day, from);
      if (at <= previous) {
        before = to;
        continue;
      }
      boundary = at;
      after = to;
      break;
    }
    const beforeTime = localSeconds - before;
    if (boundary === Number.POSITIVE_INFINITY) return beforeTime;
    const afterTime = localSeconds - after;
    if (beforeTime < boundary && afterTime < boundary) return beforeTime;
    if (beforeTime > boundary && afterTime >= boundary) return afterTime;
    // Skipped or repeated local time: the later instant (see the file comment).
    return Math.max(beforeTime, afterTime);
  }

  private page(day: number): DayPage {
    const pageIndex = Math.floor(day / PAGE);
    if (pageIndex === this.lastPageIndex) return this.lastPage;
    let page = this.pages.get(pageIndex);
    if (!page) {
      page = { offsets: new Float64Array(PAGE).fill(Number.NaN), quiet: new Uint8Array(PAGE) };
      this.pages.set(pageIndex, page);
    }
    this.lastPageIndex = pageIndex;
    this.lastPage = page;
    return page;
  }

  private dayStartOffset(day: number): number {
    const page = this.page(day);
    const slot = day - Math.floor(day / PAGE) * PAGE;
    let offset = page.offsets[slot]!;
    if (Number.isNaN(offset)) {
      offset = this.offsetAt(day * DAY);
      page.offsets[slot] = offset;
    }
    return offset;
  }

  /** The first second of day `day` (start offset `from`) with another offset: the next day's. */
  private transitionOn(day: number, from: number): number {
    const known = this.transitions.get(day);
    if (known !== undefined) return known;
    let low = day * DAY; // offset `from`
    let high = low + DAY; // the next day's offset
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offsetAt(middle) === from) low = middle;
      else high = middle;
    }
    this.transitions.set(day, high);
    return high;
  }

  /** Offset east of UTC, in seconds, at UTC second `utc`, from Intl. */
  private offsetAt(utc: number): number {
    let at = utc;
    if (at > LATEST_DATE_SECONDS) at -= Math.ceil((at - LATEST_DATE_SECONDS) / CYCLE_SECONDS) * CYCLE_SECONDS;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.format.formatToParts(new Date(at * 1000))) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          bc = part.value === 'BC' || part.value === 'B';
          break;
      }
    }
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * DAY + hour * 3600 + minute * 60 + second;
    return local - at;
  }
}

/** '<+05:30>-05:30', 'UTC+3', 'GMT0': a POSIX TZ with a fixed offset (west positive). */
const POSIX_FIXED = /^(<[^<>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?$/;
/** A POSIX TZ with a DST part; these four are also zone files, which the server prefers. */
const POSIX_WITH_DST = /^(?:<[^<>]+>|[A-Za-z]{3,})[+-]?\d/;
const ZONE_FILES_LIKE_POSIX = new Set(['est5edt', 'cst6cdt', 'mst7mdt', 'pst8pdt']);

const zones = new Map<string, ZoneRules | null>();

/** Rules for the session's TimeZone setting, or null if it cannot be followed here. */
export function zoneRules(name: string): ZoneRules | null {
  let rules = zones.get(name);
  if (rules === undefined) {
    rules = createRules(name);
    zones.set(name, rules);
  }
  return rules;
}

function createRules(name: string): ZoneRules | null {
  const fixed = POSIX_FIXED.exec(name);
  if (fixed) {
    const seconds = Number(fixed[3]) * 3600 + Number(fixed[4] ?? 0) * 60 + Number(fixed[5] ?? 0);
    const abbreviation = fixed[1]!.replace(/^<|>$/g, '').toLowerCase();
    const shadowed =
      abbreviation === 'utc' || abbreviation === 'gmt' || abbreviation === 'z' ? abbreviation : '';
    return new FixedZone(name, fixed[2] === '-' ? seconds : -seconds, shadowed);
  }
  if (POSIX_WITH_DST.test(name) && !ZONE_FILES_LIKE_POSIX.has(name.toLowerCase())) return null;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  const resolved = format.resolvedOptions().timeZone;
  if (resolved === 'UTC' || resolved === 'Etc/UTC' || resolved === 'Etc/GMT') return new FixedZone(name, 0);
  return new IntlZone(name, format);
}
