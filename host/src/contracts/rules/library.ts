/**
 * ODCS v3.0.2 quality entries (DataQuality). Only `type: library` (the default) is run; `text`,
 * `sql` and `custom` entries are reported as not enforced. A library rule is a metric compared with
 * the operators of DataQualityLibrary (operators.ts); its arguments are read from the entry itself
 * (v3.0.2: `validValues: [...]`) or from `arguments` (the form later ODCS versions document).
 *
 *   rowCount                     object  rows of the stream in this run
 *   nullValues                   field   null values
 *   missingValues                field   values in arguments.missingValues (null counts when listed)
 *   invalidValues, validValues   field   non-null values not in validValues or not matching pattern;
 *                                        with no operator the count must be 0 (v3.0.2's example)
 *   duplicateCount,              field   rows repeating an earlier row's value; at object level over
 *   duplicateValues              object  arguments.properties (a composite key)
 *
 * unit: rows (default) or percent (of the stream's rows). A count that may only be 0 (zeroOnly)
 * makes every counted row fail on its own: those rows are reported (and can be quarantined).
 * Other counts are compared once, at the end of the stream. Unknown rule names (the v3.0.2
 * examples use nullCheck, countCheck, ...) are reported as not enforced.
 */
import * as arrow from 'apache-arrow';
import { describeType } from '../arrow-types.js';
import type { ContractField } from '../model.js';
import { inSetCheck, missingCheck, nullCheck, valueFor } from './check-values.js';
import { compilePattern, type FieldRulesOut } from './field-options.js';
import type { CountRule, CountUnit, KeyRule, RuleRef } from './model.js';
import { parseThreshold, zeroOnly, type Threshold } from './operators.js';
import type { Value } from './values.js';

export const LIBRARY_RULES = [
  'rowCount',
  'nullValues',
  'missingValues',
  'invalidValues',
  'validValues',
  'duplicateCount',
  'duplicateValues',
];

export interface QualityOut extends FieldRulesOut {
  counts: CountRule[];
  /** Key rules by their fields joined with ','. */
  keys: Map<string, KeyRule>;
}

/** One quality entry; `field` undefined at object level. `at` is its pointer below the element. */
export function libraryRule(
  entry: Record<string, unknown>,
  at: string,
  field: ContractField | undefined,
  fields: ContractField[],
  out: QualityOut,
): void {
  const type = typeof entry.type === 'string' ? entry.type : 'library';
  const rule =
    typeof entry.rule === 'string'
      ? entry.rule
      : typeof entry.name === 'string'
        ? entry.name
        : typeof entry.description === 'string'
          ? JSON.stringify(entry.description.length > 40 ? `${entry.description.slice(0, 37)}...` : entry.description)
          : '(unnamed)';
  const skip = (reason: string): void => {
    out.notEnforced.push({ ...(field ? { field: field.name } : {}), type, rule, reason });
  };
  if (type !== 'library') return skip(`quality rules of type "${type}" are not run by the host`);
  if (!LIBRARY_RULES.includes(rule))
    return skip(`not a library rule the host knows (it knows ${LIBRARY_RULES.join(', ')})`);
  const problem = (message: string): void => {
    out.problems.push({ at, message: `${rule}: ${message}` });
  };
  const unitRaw = entry.unit ?? 'rows';
  if (unitRaw !== 'rows' && unitRaw !== 'percent')
    return skip(`unit "${String(unitRaw)}" is not rows or percent`);
  const unit: CountUnit = unitRaw;
  const parsed = parseThreshold(entry);
  if (typeof parsed === 'string') return problem(parsed);
  let threshold: Threshold = parsed;
  const arg = (k: string): unknown =>
    (entry.arguments as Record<string, unknown> | undefined)?.[k] ?? entry[k];

  if (threshold.ops.length === 0) {
    if (rule !== 'invalidValues' && rule !== 'validValues')
      return problem('needs an operator (mustBe, mustBeLessThan, mustBeBetween, ...)');
    threshold = { ops: [{ op: 'mustBe', value: 0 }], text: 'every value valid' };
  }
  if (rule === 'rowCount') {
    out.counts.push({
      rule,
      field: field?.name ?? '',
      expected: threshold.text,
      threshold,
      unit: 'rows',
    });
    return;
  }
  if (rule === 'duplicateCount' || rule === 'duplicateValues') {
    const names = field ? [field.name] : arg('properties');
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
      return problem(
        'at object level it needs arguments.properties: the list of properties that must be unique together',
      );
    }
    const unknown = names.find((n) => !fields.some((f) => f.name === n));
    if (unknown !== undefined)
      return problem(
        `arguments.properties names "${unknown}", which is not a property of the object`,
      );
    const key = keyRule(out, names as string[]);
    const ref: RuleRef = {
      rule,
      field: key.fields.join(','),
      expected: `no duplicates (${threshold.text})`,
    };
    if (zeroOnly(threshold, unit)) key.rowRules.push(ref);
    else key.counts.push({ ...ref, expected: threshold.text, threshold, unit });
    return;
  }
  if (field === undefined)
    return problem('is a property-level rule: put it under the property it checks');
  const opaque = arrow.DataType.isDecimal(field.arrowType) || arrow.DataType.isBinary(field.arrowType);
  if (opaque && rule !== 'nullValues') return skip(`${rule} is not checked on ${describeType(field.arrowType)} columns`);
  const check = valueRule(rule, field, arg, problem);
  if (check === undefined) return;
  if (zeroOnly(threshold, unit)) out.checks.push(check);
  else
    out.counts.push({
      rule,
      field: field.name,
      expected: threshold.text,
      threshold,
      unit,
      rows: check,
    });
}

function valueRule(
  rule: string,
  f: ContractField,
  arg: (k: string) => unknown,
  problem: (m: string) => void,
) {
  if (rule === 'nullValues') return nullCheck(rule, f.name, 'not null');
  const listArg = rule === 'missingValues' ? 'missingValues' : 'validValues';
  const raw = arg(listArg);
  if (raw !== undefined && !Array.isArray(raw)) return problem(`${listArg} must be a list`);
  const list = (raw as unknown[] | undefined) ?? [];
  const set = new Set<Value>();
  let hasNull = false;
  for (const v of list) {
    if (v === null) {
      hasNull = true;
      continue;
    }
    const x = valueFor(f.arrowType, v);
    if (x === undefined)
      return problem(
        `${JSON.stringify(v)} in ${listArg} is not a ${f.logicalType} value of "${f.name}"`,
      );
    set.add(x);
  }
  if (rule === 'missingValues') {
    if (raw === undefined)
      return problem('needs arguments.missingValues: the values that count as missing');
    return missingCheck(
      rule,
      f.name,
      `not one of ${JSON.stringify(list)}`,
      f.arrowType,
      set,
      hasNull,
    );
  }
  const p = arg('pattern');
  const re = p === undefined ? undefined : compilePattern(p);
  if (typeof re === 'string') return problem(re);
  if (raw === undefined && re === undefined)
    return problem('needs validValues (a list) or pattern');
  const what = [
    raw !== undefined ? `one of ${JSON.stringify(list)}` : '',
    re ? `matches ${re}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return inSetCheck(rule, f.name, what, f.arrowType, raw === undefined ? undefined : set, re);
}

export function keyRule(out: QualityOut, fields: string[]): KeyRule {
  const id = fields.join(',');
  let k = out.keys.get(id);
  if (k === undefined) {
    k = { fields, rowRules: [], counts: [] };
    out.keys.set(id, k);
  }
  return k;
}
