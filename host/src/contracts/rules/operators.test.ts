import { describe, expect, it } from 'vitest';
import { holds, parseThreshold, zeroOnly, type Threshold } from './operators.js';

const t = (entry: Record<string, unknown>): Threshold => {
  const r = parseThreshold(entry);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('ODCS v3.0.2 operators', () => {
  it('each operator, and all of them together', () => {
    expect([holds(t({ mustBe: 3 }), 3), holds(t({ mustBe: 3 }), 4)]).toEqual([true, false]);
    expect([holds(t({ mustNotBe: 3 }), 3), holds(t({ mustNotBe: 3 }), 4)]).toEqual([false, true]);
    expect([
      holds(t({ mustBeGreaterThan: 3 }), 3),
      holds(t({ mustBeGreaterThan: 3 }), 3.5),
    ]).toEqual([false, true]);
    expect([
      holds(t({ mustBeGreaterOrEqualTo: 3 }), 2.9),
      holds(t({ mustBeGreaterOrEqualTo: 3 }), 3),
    ]).toEqual([false, true]);
    expect([holds(t({ mustBeLessThan: 3 }), 3), holds(t({ mustBeLessThan: 3 }), 2)]).toEqual([
      false,
      true,
    ]);
    expect([
      holds(t({ mustBeLessOrEqualTo: 3 }), 3.1),
      holds(t({ mustBeLessOrEqualTo: 3 }), 3),
    ]).toEqual([false, true]);
    // mustBeBetween is mustBeGreaterThan and mustBeLessThan (the v3.0.2 text): the ends fail.
    expect([0, 1, 50, 100, 101].map((x) => holds(t({ mustBeBetween: [1, 100] }), x))).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect([0, 1, 50, 100, 101].map((x) => holds(t({ mustNotBeBetween: [1, 100] }), x))).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(
      [4, 6, 10].map((x) => holds(t({ mustBeGreaterThan: 5, mustBeLessThan: 10 }), x)),
    ).toEqual([false, true, false]);
    expect(t({ mustBeGreaterThan: 5, mustBeLessThan: 10 }).text).toBe(
      'mustBeGreaterThan 5, mustBeLessThan 10',
    );
  });

  it('refuses operands that are not numbers', () => {
    expect(parseThreshold({ mustBe: 'zero' })).toBe('mustBe must be a number (got "zero")');
    expect(parseThreshold({ mustBeBetween: [3] })).toMatch(/mustBeBetween must be two numbers/);
    expect(parseThreshold({ mustNotBeBetween: [3, 3] })).toMatch(
      /mustNotBeBetween must be two numbers, the smallest first/,
    );
  });

  it('zeroOnly: the count may only be 0, so each counted row fails by itself', () => {
    expect(zeroOnly(t({ mustBe: 0 }), 'rows')).toBe(true);
    expect(zeroOnly(t({ mustBeLessThan: 1 }), 'rows')).toBe(true);
    expect(zeroOnly(t({ mustBeLessOrEqualTo: 0 }), 'percent')).toBe(true);
    expect(zeroOnly(t({ mustBeBetween: [-1, 1] }), 'rows')).toBe(true);
    expect(zeroOnly(t({ mustBeLessThan: 1 }), 'percent')).toBe(false); // 0.5% of the rows may fail
    expect(zeroOnly(t({ mustBeLessThan: 2 }), 'rows')).toBe(false);
    expect(zeroOnly(t({ mustNotBe: 1 }), 'rows')).toBe(false); // 2 holds
    expect(zeroOnly(t({ mustBeGreaterThan: 0 }), 'rows')).toBe(false); // 0 itself fails
  });
});
