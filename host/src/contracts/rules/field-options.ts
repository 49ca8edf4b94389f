/**
 * Row checks from a property's logicalTypeOptions, as ODCS v3.0.2 defines them per logicalType:
 *
 *   integer, number  minimum, maximum (numbers), exclusiveMinimum / exclusiveMaximum (booleans that
 *                    make the bound strict), multipleOf. `format` (i32, f64, ...) picks the Arrow type;
 *                    for integers it is also a rule: i8/i16/i32/u8/u16/u32 ranges, u64/u128 >= 0
 *                    (f32 is not checked: a double outside it is not refused).
 *   date             minimum, maximum (ISO-8601 text: a date, or a timestamp for timestamp fields),
 *                    exclusiveMinimum / exclusiveMaximum. `format` is the source's text format, not a
 *                    rule: values are read as ISO-8601 (cast.ts), others fail the `type` rule.
 *   string           minLength, maxLength (code points), pattern (ECMA-262, searched), format: the
 *                    JSON Schema formats of ajv-formats (email, uuid, uri, hostname, ipv4, ipv6, byte,
 *                    date, date-time, time, ...); password and binary constrain nothing.
 *   object, array    minProperties, maxProperties, required; minItems, maxItems, uniqueItems, on the
 *                    JSON text (check-json.ts). Other keys are reported once as not enforced.
 *   Decimal128       (number with physicalType decimal(p,s)) minimum, maximum, exclusive*, exactly
 *                    (check-decimal.ts); multipleOf is reported as not enforced.
 *   Binary           (string with physicalType bytea/binary) no option is checked: each is
 *                    reported as not enforced.
 */
import * as arrow from 'apache-arrow';
import { createRequire } from 'node:module';
import type { ContractField } from '../model.js';
import { boundCheck, integerFormatCheck, multipleOfCheck, type Bound } from './check-range.js';
import { decimalBoundCheck } from './check-decimal.js';
import { jsonOptionCheck } from './check-json.js';
import { lengthCheck, valueCheck } from './check-string.js';
import { valueFor } from './check-values.js';
import type { NotEnforced, RowCheck } from './model.js';

export interface RuleProblem {
  /** JSON pointer below the property or object, e.g. "logicalTypeOptions/minimum". */
  at: string;
  message: string;
}

export interface FieldRulesOut {
  checks: RowCheck[];
  notEnforced: NotEnforced[];
  problems: RuleProblem[];
}

export function fieldOptionChecks(
  f: ContractField,
  opts: Record<string, unknown> | undefined,
  out: FieldRulesOut,
): void {
  if (opts === undefined) return;
  const t = f.arrowType;
  // Struct / List (nested properties): the JSON-text checks of check-json.ts do not apply.
  if (arrow.DataType.isDecimal(t) || arrow.DataType.isBinary(t) || arrow.DataType.isStruct(t) || arrow.DataType.isList(t)) return opaqueOptions(f, opts, out);
  switch (f.logicalType) {
    case 'integer':
    case 'number':
    case 'date':
      bounds(f, opts, out);
      if (f.logicalType === 'integer' && typeof opts.format === 'string') {
        const c = integerFormatCheck(f.name, opts.format);
        if (c !== undefined) out.checks.push(c);
      }
      if (f.logicalType !== 'date' && opts.multipleOf !== undefined) {
        const m = opts.multipleOf;
        if (typeof m === 'number' && m > 0 && Number.isFinite(m))
          out.checks.push(multipleOfCheck(f.name, m));
        else
          out.problems.push({
            at: 'logicalTypeOptions/multipleOf',
            message: 'multipleOf must be a number above 0',
          });
      }
      return;
    case 'string':
      return stringOptions(f, opts, out);
    case 'object':
    case 'array':
      for (const [key, v] of Object.entries(opts)) {
        const c = jsonOptionCheck(f.name, f.logicalType, key, v);
        if (typeof c === 'string') out.problems.push({ at: `logicalTypeOptions/${key}`, message: c });
        else if (c !== undefined) out.checks.push(c);
        else if (key !== 'uniqueItems') {
          out.notEnforced.push({ field: f.name, type: 'logicalTypeOptions', rule: key, reason: `no check is known for ${f.logicalType} option ${key}` });
        }
      }
      return;
    case 'boolean':
      return;
  }
}

/** Decimal128 bounds, exactly; every other option of a Decimal128 or Binary field: not enforced. */
function opaqueOptions(f: ContractField, opts: Record<string, unknown>, out: FieldRulesOut): void {
  const t = f.arrowType;
  for (const [key, v] of Object.entries(opts)) {
    const side = key === 'minimum' ? 'min' : key === 'maximum' ? 'max' : undefined;
    if (arrow.DataType.isDecimal(t) && (key === 'exclusiveMinimum' || key === 'exclusiveMaximum')) {
      if (typeof v !== 'boolean') out.problems.push({ at: `logicalTypeOptions/${key}`, message: `${key} is a boolean in ODCS v3.0.2` });
    } else if (arrow.DataType.isDecimal(t) && side !== undefined) {
      const exclusive = opts[side === 'min' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
      const c = typeof v === 'number' ? decimalBoundCheck(f.name, side, v, exclusive, t) : `must be a number (got ${JSON.stringify(v)})`;
      if (typeof c === 'string') out.problems.push({ at: `logicalTypeOptions/${key}`, message: c });
      else out.checks.push(c);
    } else {
      const type = arrow.DataType.isDecimal(t) ? 'Decimal128' : arrow.DataType.isStruct(t) ? 'Struct' : arrow.DataType.isList(t) ? 'List' : 'Binary';
      out.notEnforced.push({ field: f.name, type: 'logicalTypeOptions', rule: key, reason: `${key} is not checked on ${type} columns` });
    }
  }
}

function bounds(f: ContractField, opts: Record<string, unknown>, out: FieldRulesOut): void {
  for (const side of ['min', 'max'] as const) {
    const key = side === 'min' ? 'minimum' : 'maximum';
    const exclusiveKey = side === 'min' ? 'exclusiveMinimum' : 'exclusiveMaximum';
    const raw = opts[key];
    const exclusive = opts[exclusiveKey];
    if (exclusive !== undefined && typeof exclusive !== 'boolean') {
      out.problems.push({
        at: `logicalTypeOptions/${exclusiveKey}`,
        message: `${exclusiveKey} is a boolean in ODCS v3.0.2 (it makes ${key} strict)`,
      });
      continue;
    }
    if (raw === undefined) continue;
    const b = boundOf(f, raw, exclusive === true);
    if (typeof b === 'string') out.problems.push({ at: `logicalTypeOptions/${key}`, message: b });
    else out.checks.push(boundCheck(f.name, side, b));
  }
}

function boundOf(f: ContractField, raw: unknown, exclusive: boolean): Bound | string {
  if (f.logicalType === 'date') {
    const v = valueFor(f.arrowType, raw);
    if (v === undefined)
      return `${JSON.stringify(raw)} is not an ISO-8601 ${arrow.DataType.isTimestamp(f.arrowType) ? 'timestamp' : 'date'}`;
    return typeof v === 'bigint'
      ? { value: Number(v), big: v, exclusive, text: String(raw) }
      : { value: v as number, exclusive, text: String(raw) };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    return `must be a number (got ${JSON.stringify(raw)})`;
  return { value: raw, exclusive, text: String(raw) };
}

function stringOptions(f: ContractField, opts: Record<string, unknown>, out: FieldRulesOut): void {
  for (const [key, side] of [
    ['minLength', 'min'],
    ['maxLength', 'max'],
  ] as const) {
    const v = opts[key];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0)
      out.checks.push(lengthCheck(f.name, side, v));
    else
      out.problems.push({
        at: `logicalTypeOptions/${key}`,
        message: `${key} must be an integer >= 0`,
      });
  }
  if (opts.pattern !== undefined) {
    const re = compilePattern(opts.pattern);
    if (typeof re === 'string')
      out.problems.push({ at: 'logicalTypeOptions/pattern', message: re });
    else out.checks.push(valueCheck('pattern', f.name, `matches ${re}`, (v) => re.test(v)));
  }
  if (opts.format !== undefined) {
    const name = String(opts.format);
    const test = formatTest(name);
    if (test === 'none') return;
    if (test === undefined)
      out.notEnforced.push({
        field: f.name,
        type: 'logicalTypeOptions',
        rule: `format: ${name}`,
        reason: `no check is known for string format "${name}"`,
      });
    else out.checks.push(valueCheck('format', f.name, `format ${name}`, test));
  }
}

/** ECMA-262 with the `u` flag (code points), or without it for patterns only valid without. */
export function compilePattern(p: unknown): RegExp | string {
  if (typeof p !== 'string') return `pattern must be a string`;
  try {
    return new RegExp(p, 'u');
  } catch {
    try {
      return new RegExp(p);
    } catch (e) {
      return `pattern ${JSON.stringify(p)} is not a valid regular expression: ${(e as Error).message}`;
    }
  }
}

type FormatDef =
  | true
  | RegExp
  | ((s: string) => boolean)
  | { type?: string; validate: RegExp | ((s: string) => boolean) };

let formats: Record<string, FormatDef> | undefined;

/** A string format's test, 'none' for formats that constrain nothing, undefined when unknown. */
function formatTest(name: string): ((s: string) => boolean) | 'none' | undefined {
  formats ??= (
    createRequire(import.meta.url)('ajv-formats/dist/formats.js') as {
      fullFormats: Record<string, FormatDef>;
    }
  ).fullFormats;
  const def = Object.hasOwn(formats, name) ? formats[name] : undefined;
  if (def === undefined) return undefined;
  if (def === true) return 'none';
  if (
    typeof def === 'object' &&
    !(def instanceof RegExp) &&
    def.type !== undefined &&
    def.type !== 'string'
  )
    return undefined;
  const v = typeof def === 'object' && !(def instanceof RegExp) ? def.validate : def;
  return v instanceof RegExp ? (s) => v.test(s) : v;
}
