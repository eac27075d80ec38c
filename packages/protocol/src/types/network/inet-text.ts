/**
 * inet and cidr from text, as network_in reads it, into network_send's format (see binary.ts). The
 * server's parsers come from BIND and have quirks a client must share to agree byte for byte, so this
 * follows them step by step rather than a grammar of addresses:
 *
 * - A ':' anywhere makes the text IPv6, else IPv4. No whitespace is skipped.
 * - inet IPv4 (inet_net_pton_ipv4): up to 4 decimal octets, '/bits' optional only when all 4 are
 *   given ('10/8' is 10.0.0.0/8); a trailing '.' is ignored ('1.2.3.4.' is 1.2.3.4).
 * - cidr IPv4 (inet_cidr_pton_ipv4): also '0x' hex octet strings, and without '/bits' the mask is the
 *   address's class, widened to the octets given ('10' is 10.0.0.0/8, '128.1' is 128.1.0.0/16).
 * - IPv6 (inet_cidr_pton_ipv6): groups of up to 4 hex digits, one '::', a trailing dotted quad of up to
 *   4 octets without leading zeros, '/bits' without leading zeros up to 128.
 * - cidr refuses bits set right of the mask ('invalid cidr value').
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { hexValue, isDigit } from '../shared/ascii.ts';
import { invalidSyntax, notConverted, withValue } from '../shared/input-errors.ts';

const FAMILY_IPV4 = 2;
const FAMILY_IPV6 = 3;
/** What the C code sees at the end of the string. */
const END = -1;
const COLON = 0x3a;
const DOT = 0x2e;
const SLASH = 0x2f;
/** Mask lengths longer than this could overflow the server's int; it refuses such text anyway. */
const MAX_BITS_DIGITS = 9;

/** The parsed address (16 bytes covers both families) and a scratch for IPv6. */
const address = new Uint8Array(16);
const groups = new Uint8Array(16);

/** The field being parsed, so the scanners read it like a C string: END past its end. */
let text: Uint8Array = address;
let textEnd = 0;
/** Set when a mask length has too many digits to follow the server's arithmetic. */
let tooLong = false;

function at(i: number): number {
  return i < textEnd ? text[i]! : END;
}

/** Index of the next character the IPv4 scanners read. */
let pos = 0;
/** The character after the octet `decimalOctet` read last. */
let stop = END;

/** The decimal octet whose first digit is `first`, or -1 past 255. */
function decimalOctet(first: number): number {
  let octet = 0;
  let ch = first;
  do {
    octet = octet * 10 + ch - 0x30;
    if (octet > 255) return -1;
    ch = at(pos++);
  } while (isDigit(ch));
  stop = ch;
  return octet;
}

const NO_MASK = -2;

/** After the octets, at `ch`: '/bits' (at most 32) up to the end, or the end: the bits, NO_MASK or -1. */
function ipv4Mask(ch: number, octets: number): number {
  if (ch === SLASH && isDigit(at(pos)) && octets > 0) {
    let bits = 0;
    let digits = 0;
    for (let c = at(pos); isDigit(c); c = at(++pos)) {
      if (++digits > MAX_BITS_DIGITS) tooLong = true;
      bits = bits * 10 + c - 0x30;
    }
    return at(pos) === END && bits <= 32 ? bits : -1;
  }
  return ch === END ? NO_MASK : -1;
}

/** inet_net_pton_ipv4: the mask length, or -1. */
function inetIpv4(start: number): number {
  pos = start;
  let size = 4;
  let n = 0;
  let ch = at(pos++);
  while (isDigit(ch)) {
    const octet = decimalOctet(ch);
    if (octet < 0 || size-- === 0) return -1;
    address[n++] = octet;
    ch = stop;
    if (ch === END || ch === SLASH) break;
    if (ch !== DOT) return -1;
    ch = at(pos++);
  }
  let bits = ipv4Mask(ch, n);
  if (bits === -1) return -1;
  if (bits === NO_MASK) {
    if (n !== 4) return -1;
    bits = 32;
  }
  if (n === 0 || Math.floor(bits / 8) > n) return -1;
  address.fill(0, n, 4);
  return bits;
}

/** inet_cidr_pton_ipv4: the mask length (given or from the address class), or -1. */
function cidrIpv4(start: number): number {
  pos = start;
  let size = 4;
  let n = 0;
  let ch = at(pos++);
  if (ch === 0x30 && (at(pos) | 0x20) === 0x78 && hexValue(at(pos + 1)) >= 0) {
    // '0x' and a string of nybbles, two to an octet, an odd last one in the high half.
    pos++;
    let dirty = 0;
    let octet = 0;
    for (ch = at(pos++); ch !== END && hexValue(ch) >= 0; ch = at(pos++)) {
      octet = dirty === 0 ? hexValue(ch) : (octet << 4) | hexValue(ch);
      if (++dirty === 2) {
        if (size-- <= 0) return -1;
        address[n++] = octet;
        dirty = 0;
      }
    }
    if (dirty !== 0) {
      if (size-- <= 0) return -1;
      address[n++] = (octet << 4) & 0xff;
    }
  } else if (isDigit(ch)) {
    for (;;) {
      const octet = decimalOctet(ch);
      if (octet < 0 || size-- <= 0) return -1;
      address[n++] = octet;
      ch = stop;
      if (ch === END || ch === SLASH) break;
      if (ch !== DOT) return -1;
      ch = at(pos++);
      if (!isDigit(ch)) return -1;
    }
  } else return -1;
  let bits = ipv4Mask(ch, n);
  if (bits === -1 || n === 0) return -1;
  if (bits === NO_MASK) {
    const first = address[0]!;
    bits = first >= 240 ? 32 : first >= 224 ? 8 : first >= 192 ? 24 : first >= 128 ? 16 : 8;
    if (bits < n * 8) bits = n * 8;
    if (bits === 8 && first === 224) bits = 4;
  }
  address.fill(0, n, 4);
  // Octets beyond the 4 the mask covers would be "message too long".
  return bits > 32 ? -1 : bits;
}

/** getbits: a mask length of 1–3 digits without leading zeros, at most 128, to the end; or -1. */
function ipv6Bits(start: number): number {
  let value = 0;
  let n = 0;
  for (let i = start; i < textEnd; i++) {
    const ch = text[i]!;
    if (!isDigit(ch) || (n++ !== 0 && value === 0)) return -1;
    value = value * 10 + ch - 0x30;
    if (value > 128) return -1;
  }
  return n === 0 ? -1 : value;
}

/**
 * getv4: a dotted quad of up to 4 octets (no leading zeros) to the end, or to a '/bits', written
 * into `groups` at `to`. Returns the mask length given, 128 if none, or -1 if it is not one.
 */
function ipv6Quad(start: number, to: number): number {
  let value = 0;
  let n = 0;
  let written = 0;
  for (let i = start; i < textEnd; i++) {
    const ch = text[i]!;
    if (isDigit(ch)) {
      if (n++ !== 0 && value === 0) return -1;
      value = value * 10 + ch - 0x30;
      if (value > 255) return -1;
    } else if (ch === DOT || ch === SLASH) {
      if (written > 3) return -1;
      groups[to + written++] = value;
      if (ch === SLASH) return ipv6Bits(i + 1);
      value = 0;
      n = 0;
    } else return -1;
  }
  if (n === 0 || written > 3) return -1;
  groups[to + written] = value;
  return 128;
}

/** inet_cidr_pton_ipv6: the mask length, or -1; the address in `address`. */
function ipv6(start: number): number {
  groups.fill(0);
  let i = start;
  let tp = 0;
  let colon = -1;
  if (at(i) === COLON && at(++i) !== COLON) return -1;
  let token = i;
  let sawDigit = false;
  let value = 0;
  let digits = 0;
  let bits = -1;
  for (let ch = at(i++); ch !== END; ch = at(i++)) {
    const digit = hexValue(ch);
    if (digit >= 0) {
      value = (value << 4) | digit;
      if (++digits > 4) return -1;
      sawDigit = true;
      continue;
    }
    if (ch === COLON) {
      token = i;
      if (!sawDigit) {
        if (colon >= 0) return -1;
        colon = tp;
        continue;
      }
      if (at(i) === END || tp + 2 > 16) return -1;
      groups[tp++] = value >> 8;
      groups[tp++] = value & 0xff;
      sawDigit = false;
      digits = 0;
      value = 0;
      continue;
    }
    if (ch === DOT && tp + 4 <= 16) {
      bits = ipv6Quad(token, tp);
      if (bits >= 0) {
        tp += 4;
        sawDigit = false;
        break;
      }
    }
    if (ch === SLASH) {
      bits = ipv6Bits(i);
      if (bits >= 0) break;
    }
    return -1;
  }
  if (sawDigit) {
    if (tp + 2 > 16) return -1;
    groups[tp++] = value >> 8;
    groups[tp++] = value & 0xff;
  }
  if (bits === -1) bits = 128;
  if (colon >= 0) {
    // "::" stands for the zero groups that make the address 16 bytes.
    if (tp === 16) return -1;
    const moved = tp - colon;
    for (let k = 1; k <= moved; k++) {
      groups[16 - k] = groups[colon + moved - k]!;
      groups[colon + moved - k] = 0;
    }
    tp = 16;
  }
  if (tp !== 16) return -1;
  address.set(groups);
  return bits;
}

/** addressOK: no bit set right of the mask. */
function hostBitsClear(bits: number, size: number): boolean {
  for (let bit = bits; bit < size * 8; bit++) {
    if ((address[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

function networkConverter(type: 'inet' | 'cidr'): FieldConverter {
  const isCidr = type === 'cidr';
  return {
    type,
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      text = bytes;
      textEnd = end;
      tooLong = false;
      const v6 = bytes.subarray(start, end).includes(COLON);
      const bits = v6 ? ipv6(start) : isCidr ? cidrIpv4(start) : inetIpv4(start);
      text = address;
      if (tooLong) {
        throw notConverted(type, bytes, start, end, 'a mask length of more than 9 digits is not read');
      }
      if (bits < 0) throw invalidSyntax(type, bytes, start, end);
      const size = v6 ? 16 : 4;
      if (isCidr && !hostBitsClear(bits, size)) throw withValue('invalid cidr value', bytes, start, end);
      w.ensure(4 + size);
      const out = w.bytes;
      const at = w.length;
      out[at] = v6 ? FAMILY_IPV6 : FAMILY_IPV4;
      out[at + 1] = bits;
      out[at + 2] = isCidr ? 1 : 0;
      out[at + 3] = size;
      out.set(address.subarray(0, size), at + 4);
      w.length = at + 4 + size;
    },
  };
}

export const inetConverter: FieldConverter = networkConverter('inet');
export const cidrConverter: FieldConverter = networkConverter('cidr');
