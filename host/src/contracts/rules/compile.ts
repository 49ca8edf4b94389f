/**
 * An ODCS schema object's data quality rules -> ObjectRules, once per contract load. Rules the host
 * understands but that are malformed (a bad regex, a bound of the wrong type, a rule without its
 * arguments) are problems: the contract is refused. Rules it does not run are listed in notEnforced.
 */
import type { ContractField } from '../model.js';
import { fieldOptionChecks, type RuleProblem } from './field-options.js';
import { keyRule, libraryRule, type QualityOut } from './library.js';
import { NO_RULES, type ObjectRules, type RowCheck } from './model.js';

/** The parts of an ODCS property and object the rules read. */
export interface RuleSource {
  name: string;
  logicalTypeOptions?: Record<string, unknown>;
  unique?: boolean;
  quality?: Record<string, unknown>[];
}

export interface CompiledRules {
  rules: ObjectRules;
  /** `at` is a pointer below the object: "properties/3/logicalTypeOptions/minimum", "quality/0". */
  problems: RuleProblem[];
}

export function compileRules(
  obj: { quality?: Record<string, unknown>[] },
  props: RuleSource[],
  fields: ContractField[],
  primaryKey: string[],
): CompiledRules {
  const out: QualityOut = {
    checks: [],
    notEnforced: [],
    problems: [],
    counts: [],
    keys: new Map(),
  };
  const checks = new Map<string, RowCheck[]>();
  if (primaryKey.length > 0)
    keyRule(out, primaryKey).rowRules.push({
      rule: 'primaryKey',
      field: primaryKey.join(','),
      expected: 'a primary key not seen before in this run',
    });
  props.forEach((p, i) => {
    const f = fields[i]!;
    const mine: RowCheck[] = [];
    const local = { ...out, checks: mine, problems: [] as RuleProblem[] };
    fieldOptionChecks(f, p.logicalTypeOptions, local);
    if (p.unique === true)
      keyRule(out, [f.name]).rowRules.push({
        rule: 'unique',
        field: f.name,
        expected: 'a value not seen before in this run',
      });
    (p.quality ?? []).forEach((q, k) => libraryRule(q, `quality/${k}`, f, fields, local));
    for (const pr of local.problems)
      out.problems.push({ at: `properties/${i}/${pr.at}`, message: pr.message });
    if (mine.length > 0) checks.set(f.name, mine);
  });
  (obj.quality ?? []).forEach((q, k) => libraryRule(q, `quality/${k}`, undefined, fields, out));
  if (
    checks.size === 0 &&
    out.counts.length === 0 &&
    out.keys.size === 0 &&
    out.notEnforced.length === 0
  ) {
    return { rules: NO_RULES, problems: out.problems };
  }
  return {
    rules: {
      checks,
      counts: out.counts,
      keys: [...out.keys.values()],
      notEnforced: out.notEnforced,
    },
    problems: out.problems,
  };
}
