/**
 * The comparison operators of ODCS v3.0.2 quality rules (DataQualityLibrary): mustBe, mustNotBe,
 * mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween,
 * mustNotBeBetween. Several operators on one rule must all hold.
 *
 * mustBeBetween [a, b] is exclusive, as the ODCS v3.0.2 text defines it ("`mustBeBetween` is the
 * equivalent to `mustBeGreaterThan` and `mustBeLessThan`"): a < x < b. mustNotBeBetween [a, b]
 * is its negation: x <= a or x >= b.
 */
export const OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;

export type Operator = (typeof OPERATORS)[number];

export interface Threshold {
  ops: { op: Operator; value: number | [number, number] }[];
  /** "mustBeBetween [100, 120]", for messages. */
  text: string;
}

/** The operators of a quality entry; an error message when one is not a number (or a pair). */
export function parseThreshold(entry: Record<string, unknown>): Threshold | string {
  const ops: Threshold['ops'] = [];
  for (const op of OPERATORS) {
    const v = entry[op];
    if (v === undefined) continue;
    if (op === 'mustBeBetween' || op === 'mustNotBeBetween') {
      const pair = v as unknown[];
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isNum) || pair[0]! >= pair[1]!) {
        return `${op} must be two numbers, the smallest first (got ${JSON.stringify(v)})`;
      }
      ops.push({ op, value: [pair[0] as number, pair[1] as number] });
    } else {
      if (!isNum(v)) return `${op} must be a number (got ${JSON.stringify(v)})`;
      ops.push({ op, value: v });
    }
  }
  const text = ops
    .map((o) => `${o.op} ${Array.isArray(o.value) ? `[${o.value.join(', ')}]` : o.value}`)
    .join(', ');
  return { ops, text };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function holds(t: Threshold, x: number): boolean {
  for (const { op, value } of t.ops) {
    if (!holdsOne(op, value, x)) return false;
  }
  return true;
}

function holdsOne(op: Operator, v: number | [number, number], x: number): boolean {
  switch (op) {
    case 'mustBe':
      return x === v;
    case 'mustNotBe':
      return x !== v;
    case 'mustBeGreaterThan':
      return x > (v as number);
    case 'mustBeGreaterOrEqualTo':
      return x >= (v as number);
    case 'mustBeLessThan':
      return x < (v as number);
    case 'mustBeLessOrEqualTo':
      return x <= (v as number);
    case 'mustBeBetween': {
      const [a, b] = v as [number, number];
      return x > a && x < b;
    }
    case 'mustNotBeBetween': {
      const [a, b] = v as [number, number];
      return x <= a || x >= b;
    }
  }
}

/** Operators bounding a count from above: once one fails at x, it fails at every larger x. */
const UPPER = new Set<Operator>([
  'mustBe',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
]);

/**
 * The count may only be 0: every row counted fails the rule by itself, so the rule is a row
 * rule (its rows are reported, and quarantined) instead of a count checked at the end.
 * Rows: no count of 1 or more holds. Percent: no share above 0 holds.
 */
export function zeroOnly(t: Threshold, unit: 'rows' | 'percent'): boolean {
  if (!holds(t, 0)) return false;
  const smallest = unit === 'rows' ? 1 : Number.MIN_VALUE;
  return t.ops.some((o) => UPPER.has(o.op) && !holdsOne(o.op, o.value, smallest));
}
