/**
 * A text-format field as a decoder sees it: inside a larger buffer, padded on both sides with `fill`,
 * a byte chosen per type to look like more of the value, so a decoder reading past its range fails.
 */
const encoder = new TextEncoder();

export function paddedField(text: string, fill: number, pad = 2): [Uint8Array, number, number] {
  const body = encoder.encode(text);
  const bytes = new Uint8Array(body.length + 2 * pad).fill(fill);
  bytes.set(body, pad);
  return [bytes, pad, pad + body.length];
}
