/**
 * minimum / maximum (exclusiveMinimum / exclusiveMaximum) of Decimal128 columns, compared
 * exactly in BigInt: the bound is the decimal its number's shortest text reads (`0.005`,
 * `1e-7`), brought with the column's values to one scale. Never through Float64.
 */
import type * as arrow from 'apache-arrow';
import { decimalWords, parseDecimal, readDecimal } from '../decimal.js';
import type { RowCheck } from './model.js';
import { validity } from './values.js';

/** A number's exact decimal: unscaled value and scale (0.005 -> 5n, 3). */
export function exactDecimal(x: number): { v: bigint; scale: number } | undefined {
  if (!Number.isFinite(x)) return undefined;
  const text = String(x);
  for (let scale = 0; scale <= 400; scale++) {
    const v = parseDecimal(text, scale);
    if (v !== undefined) return { v, scale };
  }
  return undefined;
}

export function decimalBoundCheck(field: string, side: 'min' | 'max', raw: number, exclusive: boolean, type: arrow.Decimal): RowCheck | string {
  const b = exactDecimal(raw);
  if (b === undefined) return `must be a finite number (got ${JSON.stringify(raw)})`;
  const rule = side === 'min' ? (exclusive ? 'exclusiveMinimum' : 'minimum') : exclusive ? 'exclusiveMaximum' : 'maximum';
  const op = side === 'min' ? (exclusive ? '>' : '>=') : exclusive ? '<' : '<=';
  // Both sides at the larger scale.
  const up = (v: bigint, from: number, to: number): bigint => v * 10n ** BigInt(to - from);
  const scale = Math.max(type.scale, b.scale);
  const bound = up(b.v, b.scale, scale);
  const valueUp = 10n ** BigInt(scale - type.scale);
  const ok =
    side === 'min'
      ? exclusive
        ? (x: bigint) => x > bound
        : (x: bigint) => x >= bound
      : exclusive
        ? (x: bigint) => x < bound
        : (x: bigint) => x <= bound;
  return {
    rule,
    field,
    expected: `${op} ${String(raw)}`,
    run: (data, fail) => {
      const w = decimalWords(data.values as Uint32Array);
      const valid = validity(data);
      for (let i = 0; i < data.length; i++) if (!ok(readDecimal(w, i) * valueUp) && valid(i)) fail(i);
    },
  };
}
