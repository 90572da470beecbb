import { describe, expect, it } from 'vitest';
import { exactNumber, formatNumber } from '../../src-renderer/lib/numbers.ts';
import { testRandom } from '../helpers.ts';

/** The number of significant digits in a decimal or exponent string (sign, point and exponent aside). */
function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').split('e')[0].replace('.', '').replace(/^0+/, '');
  return mantissa.length;
}

describe('numbers for people (numbers)', () => {
  it('never shows more than four significant figures, and stays within rounding of the value', () => {
    const random = testRandom(12);
    for (let trial = 0; trial < 2000; trial++) {
      const value = (random() * 2 - 1) * 10 ** Math.floor(random() * 16 - 8);
      const text = formatNumber(value);
      expect(significantDigits(text)).toBeLessThanOrEqual(4);
      const shown = Number(text);
      expect(Number.isFinite(shown)).toBe(true);
      expect(Math.abs(shown - value)).toBeLessThanOrEqual(Math.abs(value) * 5e-4 * (1 + 1e-9));
      expect(Math.sign(shown)).toBe(Math.sign(value));
    }
  });

  it('writes very large and very small numbers with an exponent, without trailing zeros', () => {
    expect(formatNumber(1234567)).toBe('1.235e+6');
    expect(formatNumber(-0.000056789)).toBe('-5.679e-5');
    expect(formatNumber(2e-7)).toBe('2e-7');
    expect(formatNumber(1e6)).toBe('1e+6');
    expect(formatNumber(999999)).toBe('1.000e+6');
    expect(formatNumber(0.0001)).toBe('0.0001');
  });

  it('takes another number of significant figures when asked', () => {
    expect(formatNumber(3.14159, 3)).toBe('3.14');
    expect(formatNumber(3.14159, 6)).toBe('3.14159');
    expect(formatNumber(-2.5, 2)).toBe('-2.5');
  });

  it('shows what is not a number as it is', () => {
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('keeps every digit in the exact form, which reads back as the same number', () => {
    const random = testRandom(5);
    for (let trial = 0; trial < 500; trial++) {
      const value = (random() * 2 - 1) * 10 ** Math.floor(random() * 40 - 20);
      expect(Number(exactNumber(value))).toBe(value);
    }
    expect(exactNumber(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});
