/**
 * The data quality rules of one contract object, compiled once at contract load (compile.ts) and
 * evaluated per batch (validateBatch) and per stream (StreamRules).
 */
import type * as arrow from 'apache-arrow';
import type { Threshold } from './operators.js';

/** What a failing row names: the rule as the contract spells it, the field, what was expected. */
export interface RuleRef {
  /** 'type', 'required', 'minimum', 'pattern', 'unique', 'primaryKey', a library rule name, ... */
  rule: string;
  /** The field; for a rule over several fields, their names joined by ','. */
  field: string;
  /** For messages: ">= 1", "matches /^[A-Z]+$/", "one of [\"kg\",\"pounds\"]". */
  expected: string;
}

/**
 * A stateless row rule over one column in its contract type (validated, cast data). `run` calls
 * `fail(i)` for each failing row i of `data`, in ascending order, looping over the Arrow buffers.
 * Nulls never fail a value rule (`required` and nullValues are the null rules).
 */
export interface RowCheck extends RuleRef {
  run(data: arrow.Data, fail: (i: number) => void): void;
}

export type CountUnit = 'rows' | 'percent';

/**
 * A library rule whose metric is a count over the stream (nullValues, invalidValues, ...),
 * compared with its threshold at the end of the stream. `rows` gives the rows it counts.
 */
export interface CountRule extends RuleRef {
  threshold: Threshold;
  unit: CountUnit;
  /** The rows counted; undefined for rowCount (every row) and duplicate counts (a KeyRule). */
  rows?: RowCheck;
}

/** Uniqueness of one field or a tuple of fields within a stream's run. */
export interface KeyRule {
  fields: string[];
  /** Every repeated key fails its row (unique, primaryKey, a duplicate count that must be 0). */
  rowRules: RuleRef[];
  /** Duplicate counts with a tolerance, compared at the end of the stream. */
  counts: CountRule[];
}

/** A rule of the contract the host does not enforce: reported once, never silently ignored. */
export interface NotEnforced {
  /** 'object' for schema-level quality, else the property. */
  field?: string;
  /** The quality type (sql, custom, text, library) or 'logicalTypeOptions'. */
  type: string;
  rule: string;
  reason: string;
}

export interface ObjectRules {
  /** Row checks per field, only for fields that have some (the fast path stays empty). */
  checks: Map<string, RowCheck[]>;
  /** Count rules compared at the end of the stream (rowCount, and counts with a tolerance). */
  counts: CountRule[];
  keys: KeyRule[];
  notEnforced: NotEnforced[];
}

export const NO_RULES: ObjectRules = Object.freeze({
  checks: new Map<string, RowCheck[]>(),
  counts: [],
  keys: [],
  notEnforced: [],
}) as ObjectRules;

export const hasRunRules = (r: ObjectRules): boolean => r.counts.length > 0 || r.keys.length > 0;
