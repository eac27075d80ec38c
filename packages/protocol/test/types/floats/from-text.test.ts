import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatConverter } from '../../../src/types/floats/from-text.ts';
import { hexOf, messageOf } from '../input/support/convert.ts';
import { exactDecimal } from '../input/support/number-generators.ts';

function float8Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return [...new Uint8Array(view.buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function float4Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return [...new Uint8Array(view.buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('float8', () => {
  const float8 = floatConverter('float8');

  it('reads decimal forms, specials and whitespace', () => {
    expect(hexOf(float8, '1.5')).toBe('3ff8000000000000');
    expect(hexOf(float8, ' -0 ')).toBe('8000000000000000');
    expect(hexOf(float8, '.5')).toBe(float8Hex(0.5));
    expect(hexOf(float8, '5.')).toBe(float8Hex(5));
    expect(hexOf(float8, '-.5e-3')).toBe(float8Hex(-0.0005));
    expect(hexOf(float8, '1E5')).toBe(float8Hex(100000));
    expect(hexOf(float8, 'NaN')).toBe('7ff8000000000000');
    expect(hexOf(float8, '-nan')).toBe('fff8000000000000');
    expect(hexOf(float8, 'inf')).toBe('7ff0000000000000');
    expect(hexOf(float8, '-Infinity')).toBe('fff0000000000000');
    expect(hexOf(float8, '4.9406564584124654e-324')).toBe('0000000000000001');
  });

  it('refuses what strtod would not read, and what over- or underflows', () => {
    for (const text of ['', ' ', '.', '1e', '1e+', 'infinit', 'infinityx', '1,5', '1_000', '- 1']) {
      expect(messageOf(float8, text)).toBe(`invalid input syntax for type double precision: "${text}"`);
    }
    expect(messageOf(float8, ' 1e309 ')).toBe('"1e309" is out of range for type double precision');
    expect(messageOf(float8, '1e-400')).toBe('"1e-400" is out of range for type double precision');
    expect(hexOf(float8, '0e-400')).toBe('0000000000000000');
    expect(messageOf(float8, '0x1p3')).toMatch(/^cannot convert .*hexadecimal/);
    expect(messageOf(float8, 'nan(1)')).toMatch(/^cannot convert .*NaN payloads/);
  });

  it('rounds exactly like Number() for any printed double', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 20 }),
        (value, digits) => {
          for (const text of [String(value), value.toExponential(digits), exactDecimal(value)]) {
            if (Number.isFinite(Number(text))) expect(hexOf(float8, text)).toBe(float8Hex(Number(text)));
          }
        },
      ),
    );
  });
});

describe('float4', () => {
  const float4 = floatConverter('float4');

  it('rounds once, from the decimal, not through a double', () => {
    expect(hexOf(float4, '0.1')).toBe('3dcccccd');
    expect(hexOf(float4, '16777217')).toBe(float4Hex(16777216));
    // Halfway between 16777216 and 16777218 as a double, but the decimal is just above it.
    expect(hexOf(float4, '16777217.000000001')).toBe(float4Hex(16777218));
    // Just below the overflow midpoint (2^128 - 2^103): the largest float; at it: a tie to "even",
    // which is infinity, so out of range.
    expect(hexOf(float4, '3.4028235677973366e38')).toBe('7f7fffff');
    expect(hexOf(float4, '340282356779733661637539395458142568447.999')).toBe('7f7fffff');
    expect(messageOf(float4, '340282356779733661637539395458142568448')).toBe(
      '"340282356779733661637539395458142568448" is out of range for type real',
    );
    // Halfway between 0 and the smallest subnormal rounds to even (zero), so out of range.
    expect(
      messageOf(
        float4,
        '7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46',
      ),
    ).toMatch(/out of range for type real/);
    expect(
      hexOf(
        float4,
        '7.006492321624085354618647916449580656401309709382578858785341419448955413429303007433190941810607910156251e-46',
      ),
    ).toBe('00000001');
    expect(hexOf(float4, '-nan')).toBe('ffc00000');
  });

  it('quotes the whole text in its out-of-range message for servers before 16', () => {
    expect(messageOf(floatConverter('float4', true), ' 1e39 ')).toBe(
      '" 1e39 " is out of range for type real',
    );
  });

  it('matches exact decimal-to-float rounding at every float midpoint', () => {
    const f32 = new Float32Array(2);
    const u32 = new Uint32Array(f32.buffer);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7f7ffffe }), (bits) => {
        u32[0] = bits;
        u32[1] = bits + 1;
        const midpoint = exactDecimal((f32[0]! + f32[1]!) / 2);
        // A tie goes to the even one of the two; a hair above, to the upper one.
        expect(hexOf(float4, midpoint)).toBe(float4Hex(bits % 2 === 0 ? f32[0]! : f32[1]!));
        const above = `${midpoint.includes('.') ? midpoint : `${midpoint}.`}0000000000000000001`;
        expect(hexOf(float4, above)).toBe(float4Hex(f32[1]!));
      }),
    );
  });
});
