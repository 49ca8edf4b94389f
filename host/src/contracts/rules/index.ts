/**
 * Data quality rules of ODCS v3.0.2 contracts: row rules run inside validateBatch, run-level
 * rules through a StreamRules per stream, quarantine through splitRejected. See README.md.
 */
export type { CountRule, KeyRule, NotEnforced, ObjectRules, RowCheck, RuleRef } from './model.js';
export { RowFailures } from './row-failures.js';
export type { RowFailure } from './row-failures.js';
export { StreamRules } from './stream-rules.js';
export type { RunRuleResult, StreamRulesOptions } from './stream-rules.js';
export { DEFAULT_MAX_KEYS } from './key-set.js';
export { splitRejected, rejectedSchema, REJECTED_COLUMNS } from './split-rejected.js';
export type { SplitBatch } from './split-rejected.js';
export { describeNotEnforced } from './describe.js';
