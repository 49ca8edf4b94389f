/**
 * logicalTypeOptions of object and array fields, whose values the host stores as JSON text:
 * array minItems / maxItems / uniqueItems, object minProperties / maxProperties / required.
 * Each value is parsed once per rule (answers are remembered by value, string-memo.ts); a value
 * that is not a JSON array (object) fails every rule of an array (object) field.
 */
import type { RowCheck } from './model.js';
import { valueCheck } from './check-string.js';

const parse = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};

const asArray = (s: string): unknown[] | undefined => {
  const v = parse(s);
  return Array.isArray(v) ? v : undefined;
};

const asObject = (s: string): Record<string, unknown> | undefined => {
  const v = parse(s);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
};

/** One check for an option, or a problem message when its value is unusable. */
export function jsonOptionCheck(field: string, kind: 'object' | 'array', key: string, v: unknown): RowCheck | string | undefined {
  const count = (): number | string => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : `${key} must be an integer >= 0`);
  if (kind === 'array') {
    if (key === 'minItems' || key === 'maxItems') {
      const n = count();
      if (typeof n === 'string') return n;
      const min = key === 'minItems';
      return valueCheck(key, field, `${min ? 'at least' : 'at most'} ${n} items`, (s) => {
        const a = asArray(s);
        return a !== undefined && (min ? a.length >= n : a.length <= n);
      });
    }
    if (key === 'uniqueItems') {
      if (typeof v !== 'boolean') return 'uniqueItems must be a boolean';
      if (!v) return undefined;
      return valueCheck(key, field, 'items all different', (s) => {
        const a = asArray(s);
        return a !== undefined && new Set(a.map((x) => JSON.stringify(x))).size === a.length;
      });
    }
  } else {
    if (key === 'minProperties' || key === 'maxProperties') {
      const n = count();
      if (typeof n === 'string') return n;
      const min = key === 'minProperties';
      return valueCheck(key, field, `${min ? 'at least' : 'at most'} ${n} properties`, (s) => {
        const o = asObject(s);
        return o !== undefined && (min ? Object.keys(o).length >= n : Object.keys(o).length <= n);
      });
    }
    if (key === 'required') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return 'required must be a list of property names';
      const names = v as string[];
      return valueCheck(key, field, `has ${names.map((x) => JSON.stringify(x)).join(', ')}`, (s) => {
        const o = asObject(s);
        return o !== undefined && names.every((k) => Object.hasOwn(o, k));
      });
    }
  }
  return undefined;
}
