/**
 * inet and cidr in binary format (network_send):
 *
 *   uint8 family     2 for IPv4, 3 for IPv6 (PGSQL_AF_INET, PGSQL_AF_INET + 1)
 *   uint8 bits       netmask length, 0..32 or 0..128
 *   uint8 is_cidr    1 for cidr, 0 for inet
 *   uint8 length     4 or 16
 *   bytes            the address
 *
 * Encoding takes the text form: a dotted quad or an IPv6 address (with `::` and an embedded dotted
 * quad allowed), optionally `/bits`. cidr refuses host bits set past the mask, as the server does.
 * Decoding gives the text the server prints: IPv6 with the longest run of two or more zero groups as
 * `::` (the first on a tie) and the last 32 bits as a dotted quad for ::a.b.c.d and ::ffff:a.b.c.d;
 * `/bits` unless the mask is full, and always for cidr.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, ValueError, wrongKind } from '../shared/codec.ts';

const FAMILY_IPV4 = 2;
const FAMILY_IPV6 = 3;

const QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Scratch for the parsed address (16 bytes covers both families). */
const address = new Uint8Array(16);

/** Writes a dotted quad into `address` at `at`; false if `text` is not one. */
function parseQuad(text: string, at: number): boolean {
  const match = QUAD.exec(text);
  if (match === null) return false;
  for (let i = 0; i < 4; i++) {
    const octet = Number(match[i + 1]);
    if (octet > 255) return false;
    address[at + i] = octet;
  }
  return true;
}

/** Writes an IPv6 address into `address`; false if `text` is not one. */
function parseIpv6(text: string): boolean {
  address.fill(0);
  let body = text;
  let groupCount = 8;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    if (!parseQuad(text.slice(lastColon + 1), 12)) return false;
    body = text.endsWith('::', lastColon + 1) ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
    groupCount = 6;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  // Without "::" every group is written out; with it, "::" stands for at least one zero group.
  if (halves.length === 1 ? head.length !== groupCount : head.length + tail.length >= groupCount)
    return false;
  return writeGroups(head, 0) && writeGroups(tail, groupCount - tail.length);
}

/** Writes hex groups into `address` from group index `from`; false if one is not 1–4 hex digits. */
function writeGroups(groups: string[], from: number): boolean {
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (!HEX_GROUP.test(group)) return false;
    const value = Number.parseInt(group, 16);
    address[2 * (from + i)] = value >> 8;
    address[2 * (from + i) + 1] = value & 0xff;
  }
  return true;
}

function encodeNetwork(w: Writer, type: 'inet' | 'cidr', value: unknown): void {
  if (typeof value !== 'string') throw wrongKind(type, 'a string', value);
  const invalid = (why = '') =>
    new ValueError(`invalid input syntax for ${type}: "${value.slice(0, 60)}"${why}`);
  const text = value.trim();
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const ipv6 = host.includes(':');
  const size = ipv6 ? 16 : 4;
  if (!(ipv6 ? parseIpv6(host) : parseQuad(host, 0))) throw invalid();
  let bits = size * 8;
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > size * 8) throw invalid(' (bad netmask length)');
    bits = Number(bitsText);
  }
  if (type === 'cidr') {
    for (let bit = bits; bit < size * 8; bit++) {
      if ((address[bit >> 3]! >> (7 - (bit & 7))) & 1) throw invalid(' (bits set to the right of the mask)');
    }
  }
  w.ensure(4 + size);
  const bytes = w.bytes;
  let at = w.length;
  bytes[at++] = ipv6 ? FAMILY_IPV6 : FAMILY_IPV4;
  bytes[at++] = bits;
  bytes[at++] = type === 'cidr' ? 1 : 0;
  bytes[at++] = size;
  bytes.set(address.subarray(0, size), at);
  w.length = at + size;
}

function decodeNetwork(type: string, bytes: Uint8Array, start: number, end: number): string {
  const family = bytes[start];
  const size = family === FAMILY_IPV4 ? 4 : 16;
  const bits = bytes[start + 1]!;
  const isCidr = bytes[start + 2] === 1;
  if (
    (family !== FAMILY_IPV4 && family !== FAMILY_IPV6) ||
    bytes[start + 3] !== size ||
    end - start !== 4 + size
  ) {
    throw new ProtocolError(`${type}: malformed binary value (family ${family}, ${end - start} bytes)`);
  }
  const at = start + 4;
  const text = size === 4 ? formatQuad(bytes, at) : formatIpv6(bytes, at);
  return bits !== size * 8 || isCidr ? `${text}/${bits}` : text;
}

function formatQuad(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

function formatIpv6(bytes: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!);
  // The longest run of zero groups (first wins a tie) becomes "::", if it spans two or more.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestStart = -1;
  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses end in a dotted quad.
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff))) {
    return `::${bestLength === 5 ? 'ffff:' : ''}${formatQuad(bytes, at + 12)}`;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += words[i]!.toString(16);
  }
  return text;
}

export const inetCodec: BinaryCodec = {
  name: 'inet',
  oid: Oid.inet,
  encode(w, value) {
    encodeNetwork(w, 'inet', value);
  },
  decode(bytes, start, end): string {
    return decodeNetwork('inet', bytes, start, end);
  },
};

export const cidrCodec: BinaryCodec = {
  name: 'cidr',
  oid: Oid.cidr,
  encode(w, value) {
    encodeNetwork(w, 'cidr', value);
  },
  decode(bytes, start, end): string {
    return decodeNetwork('cidr', bytes, start, end);
  },
};
