/**
 * SASLprep (RFC 4013) for SCRAM passwords, simplified, with PostgreSQL's fallback rule.
 *
 * The server builds the stored SCRAM secret from `pg_saslprep(password)`, or from the raw password when
 * SASLprep refuses it; libpq does the same on the client, so both sides derive the same key. We have
 * to reach the same answer as the server, not merely a valid SASLprep, hence the fallback instead of
 * an error. What we do, in the server's order:
 *   1. pure ASCII → unchanged (the server's quick path; so ASCII control characters pass too);
 *   2. map non-ASCII spaces (RFC 3454 C.1.2) to U+0020 and drop "commonly mapped to nothing" (B.1);
 *   3. NFKC;
 *   4. if the result contains a prohibited character (C.1.2–C.9) or an unassigned code point, or is
 *      empty, use the raw password instead.
 * Simplifications, and what they cost: "unassigned" is judged by the JS engine's Unicode version,
 * while PostgreSQL uses Unicode 3.2 (RFC 3454 A.1), and the bidirectional rule (RFC 3454 §6) is not
 * checked. A password that PostgreSQL would refuse for one of those reasons and that NFKC or the
 * mapping changes is sent normalised while the server stored it raw, so authentication fails; such a
 * password must mix right-to-left and left-to-right text, or use characters added after Unicode 3.2
 * next to characters NFKC rewrites.
 */

/** RFC 3454 C.1.2, non-ASCII space characters: mapped to U+0020, and prohibited in the output. */
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/gu;

/** RFC 3454 B.1, characters commonly mapped to nothing. */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: matching the joiners one by one is the point
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/gu;

/**
 * RFC 3454 C.1.2–C.9 (SASLprep's prohibited output) plus unassigned code points (\p{Cn}, which also
 * covers the noncharacters of C.4). C.2.2's U+1D173–U+1D17A and C.9's tags are listed explicitly.
 */
const PROHIBITED =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: matching the joiners one by one is the point
  /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u0000-\u001f\u007f-\u009f\u06dd\u070f\u180e\u200c\u200d\u2028\u2029\u2060-\u2063\u206a-\u206f\ufeff\ufff9-\ufffd\u2ff0-\u2ffb\u0340\u0341\u200e\u200f\u202a-\u202e\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}\p{Co}\p{Cs}\p{Cn}]/u;

/** Returns the string whose UTF-8 bytes key the SCRAM exchange for `password`. */
export function saslprepPassword(password: string): string {
  if (/^[\u0000-\u007f]*$/.test(password)) return password;
  const mapped = password.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  const normalized = mapped.normalize('NFKC');
  if (normalized.length === 0 || PROHIBITED.test(normalized)) return password;
  return normalized;
}
