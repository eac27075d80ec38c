/** Generated texts for the number converters (fast-check, fixed seeds). */
import fc from 'fast-check';

const SPACES = ['', ' ', '  ', '\t', '\n', ' \r\n', '\v', '\f'];

function spaced(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...SPACES), text, fc.constantFrom(...SPACES))
    .map(([before, body, after]) => before + body + after);
}

/** Integers around a type's range, with whitespace and signs. */
export function integerTexts(min: bigint, max: bigint, count: number, seed: number): string[] {
  const span = max - min;
  const value = fc.oneof(
    fc.bigInt({ min, max }),
    fc.bigInt({ min: min - span / 100n, max: max + span / 100n }),
    fc.bigInt({ min: -1000n, max: 1000n }),
  );
  const text = fc.oneof(
    value.map(String),
    value.map((v) => (v >= 0n ? `+${v}` : String(v))),
    value.map((v) => (v < 0n ? `-00${-v}` : `00${v}`)),
  );
  return fc.sample(spaced(text), { numRuns: count, seed });
}

/** Exact decimal text of a finite double (every digit of its binary value). */
export function exactDecimal(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = biased - 1075;
  if (biased === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  const sign = value < 0 ? '-' : '';
  if (exponent >= 0) return sign + (mantissa << BigInt(exponent)).toString();
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString().padStart(-exponent + 1, '0');
  return `${sign}${digits.slice(0, exponent)}.${digits.slice(exponent)}`;
}

/** Floats printed in many ways: shortest, fixed digits, exponent forms, exact, and float midpoints. */
export function floatTexts(count: number, seed: number): string[] {
  const f32 = new Float32Array(2);
  const u32 = new Uint32Array(f32.buffer);
  const double = fc.double({ noNaN: true, noDefaultInfinity: true });
  const float = fc.float({ noNaN: true, noDefaultInfinity: true });
  /** Exactly halfway between a float and the next one up, and a hair either side of it. */
  const midpoint = fc
    .tuple(fc.integer({ min: 0, max: 0x7f7fffff }), fc.constantFrom(-1, 0, 1))
    .map(([bits, nudge]) => {
      u32[0] = bits;
      u32[1] = bits + 1;
      const exact = exactDecimal((f32[0]! + f32[1]!) / 2);
      if (nudge === 0) return exact;
      return nudge > 0
        ? `${exact.includes('.') ? exact : `${exact}.`}000000000001`
        : exact.replace(/\d(?=\D*$)/, (d) => String(Math.max(0, Number(d) - 1)));
    });
  const text = fc.oneof(
    double.map(String),
    float.map(String),
    fc.tuple(double, fc.integer({ min: 0, max: 20 })).map(([v, digits]) => v.toExponential(digits)),
    fc.tuple(float, fc.integer({ min: 1, max: 12 })).map(([v, digits]) => v.toPrecision(digits)),
    double.map(exactDecimal),
    midpoint,
    fc
      .tuple(
        fc.stringMatching(/^[0-9]{1,30}$/),
        fc.stringMatching(/^[0-9]{0,30}$/),
        fc.integer({ min: -400, max: 400 }),
      )
      .map(([whole, fraction, exponent]) => `${whole}.${fraction}e${exponent}`),
  );
  return fc.sample(spaced(text), { numRuns: count, seed });
}

/** Decimal texts of many shapes: long digit strings, points anywhere, exponents. */
export function numericTexts(count: number, seed: number): string[] {
  const digits = fc.stringMatching(/^[0-9]{0,40}$/);
  const text = fc.oneof(
    fc
      .tuple(fc.constantFrom('', '-', '+'), digits, digits)
      .map(([sign, whole, fraction]) => `${sign}${whole || '0'}.${fraction}`),
    fc
      .tuple(fc.constantFrom('', '-'), fc.stringMatching(/^[0-9]{1,40}$/))
      .map(([sign, whole]) => sign + whole),
    fc
      .tuple(
        fc.constantFrom('', '-'),
        fc.stringMatching(/^[0-9]{1,20}$/),
        digits,
        fc.integer({ min: -60, max: 60 }),
      )
      .map(([sign, whole, fraction, exponent]) => `${sign}${whole}.${fraction}e${exponent}`),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  );
  return fc.sample(spaced(text), { numRuns: count, seed });
}
