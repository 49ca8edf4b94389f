/**
 * Checks one Arrow record batch against a contract object, column by column, and returns it in the
 * contract's schema (contract field order and types) so a Parquet writer can rely on it.
 *
 *   missing field       required: violation (row = rowOffset, actual "missing"); the column is all null
 *                       optional: an all-null column, no violation
 *   other Arrow type    cast when lossless (cast.ts); else a violation naming expected and actual
 *                       types, and the column is all null
 *   uncastable value    (text that is not a number or timestamp, out-of-range integer) row violation,
 *                       value -> null
 *   null in required    row violation
 *   extra column        strict: violation; warn: dropped, reported once per `reported` set
 *   data quality rules  the contract's row rules (rules/: minimum, pattern, validValues, ...) on the
 *                       cast values; with `rules` (a StreamRules), the run-level ones (unique,
 *                       primaryKey, duplicates, counts) too
 *
 * Every failing row is in `failures` with the first rule it failed: 'type' (uncastable value or
 * column), 'required' (null or missing column), or the quality rule. A field without rules costs
 * nothing more than before; rules never change the data, so `sameLayout` is as without them.
 *
 * strict: any violation throws DataValidationError (the first one in the message, up to maxIssues in
 * details). warn: rows are kept, counted in invalidRows, issues returned (at most maxIssues).
 * In warn mode the returned schema marks every field nullable: a row kept with a null in a required
 * field would otherwise make Parquet writers (arrow-rs) reject the batch. The schema is the same for
 * every batch of a mode, so one file can hold them all.
 */
import * as arrow from 'apache-arrow';
import { describeType } from './arrow-types.js';
import { castColumn } from './cast.js';
import { takeDecodeFailures, type DecodeFailure } from './decode-failures.js';
import { nullColumn, nullIndices } from './columns.js';
import { DataValidationError, type ValidationIssue } from './errors.js';
import type { ContractField, ContractObject } from './model.js';
import type { RowCheck, RuleRef } from './rules/model.js';
import { FailureCollector, RowFailures } from './rules/row-failures.js';
import type { StreamRules } from './rules/stream-rules.js';
import { describeValue, reader, textOf } from './rules/values.js';

export type ValidationMode = 'strict' | 'warn';

export interface ValidateOptions {
  mode: ValidationMode;
  stream: string;
  /** Rows of this stream before this batch: issues name absolute rows. */
  rowOffset: number;
  /** Cap on issues returned (warn) or carried in the error (strict). Default 100. */
  maxIssues?: number;
  /**
   * Extra columns already reported for this stream. Pass the same Set for every batch of a stream
   * and a dropped column is reported once per stream instead of once per batch.
   */
  reported?: Set<string>;
  /** The stream's run-level rules (uniqueness, counts): the same StreamRules for every batch. */
  rules?: StreamRules;
}

export interface ValidationResult {
  batch: arrow.RecordBatch;
  /**
   * The batch is the input's columns, in the input's order, with their buffers and types
   * unchanged (no cast, no column added, dropped or moved): the input's Arrow IPC record
   * batch message encodes `batch` too, under `batch.schema`.
   */
  sameLayout: boolean;
  /** Rows with at least one violation (kept in warn mode). */
  invalidRows: number;
  issues: ValidationIssue[];
  /** The failing rows of `batch`, each with its first failed rule (splitRejected uses it). */
  failures: RowFailures;
}

export const DEFAULT_MAX_ISSUES = 100;

export function validateBatch(batch: arrow.RecordBatch, object: ContractObject, opts: ValidateOptions): ValidationResult {
  if (opts.rules !== undefined && opts.rules.object !== object) {
    throw new TypeError(`validateBatch: the StreamRules given were made for another contract object ("${opts.rules.object.name}")`);
  }
  const n = batch.numRows;
  const found = new Issues(opts, n);
  const indexOf = new Map<string, number>();
  batch.schema.fields.forEach((f, i) => {
    if (!indexOf.has(f.name)) indexOf.set(f.name, i);
  });

  const decodeFailures = takeDecodeFailures(batch);
  let sameLayout = batch.schema.fields.length === object.fields.length;
  const columns = object.fields.map((field, i) => {
    const index = indexOf.get(field.name);
    const decoded = decodeFailures?.get(field.name);
    if (decoded !== undefined) found.decodeFailures(field, decoded);
    const data = checkColumn(batch, index, field, found, decoded);
    sameLayout &&= index === i && sameBuffers(data, batch.data.children[i]!);
    const checks = object.rules.checks.get(field.name);
    if (checks !== undefined) for (const c of checks) found.check(c, data);
    return data;
  });

  const declared = new Set(object.fields.map((f) => f.name));
  for (const f of batch.schema.fields) {
    if (declared.has(f.name)) continue;
    if (opts.mode === 'warn') {
      if (opts.reported?.has(`extra:${f.name}`)) continue;
      opts.reported?.add(`extra:${f.name}`);
    }
    const what = opts.mode === 'strict' ? 'no such column (not in the contract)' : 'no such column (not in the contract; dropped)';
    found.add('extra-field', 0, f.name, what, describeType(f.type));
  }

  const schema = opts.mode === 'strict' ? object.arrowSchema : lenientSchema(object);
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children: columns });
  const out = new arrow.RecordBatch(schema, data);
  opts.rules?.observe(out, found.failures);
  if (opts.mode === 'strict' && found.total > 0) throw new DataValidationError(found.issues, { totalIssues: found.total });
  return { batch: out, sameLayout, invalidRows: found.failures.count, issues: found.issues, failures: found.failures.done() };
}

/** `data` is `src` itself or `src` relabelled with an equal type (what castColumn returns when no cast is needed). */
const sameBuffers = (data: arrow.Data, src: arrow.Data): boolean =>
  data === src ||
  (data.values === src.values && data.nullBitmap === src.nullBitmap && data.valueOffsets === src.valueOffsets && data.offset === src.offset && data.length === src.length && data.children.length === 0 && src.children.length === 0);

function checkColumn(
  batch: arrow.RecordBatch,
  index: number | undefined,
  field: ContractField,
  found: Issues,
  decoded?: DecodeFailure[],
): arrow.Data {
  const n = batch.numRows;
  const expected = describeType(field.arrowType);
  if (index === undefined) {
    if (field.required) {
      found.add('missing-field', 0, field.name, `${expected} (required)`, 'missing', 'required');
      found.allRows({ rule: 'required', field: field.name, expected: `${expected} (required)` });
    }
    return nullColumn(field.arrowType, n);
  }
  const src = batch.data.children[index]!;
  const cast = castColumn(src, field.arrowType, field.logicalType === 'object' || field.logicalType === 'array');
  if (cast === undefined) {
    found.add('type-mismatch', 0, field.name, expected, describeType(src.type), 'type');
    found.allRows({ rule: 'type', field: field.name, expected });
    return nullColumn(field.arrowType, n);
  }
  if (cast.badRows.length > 0) {
    const id = found.failures.rule({ rule: 'type', field: field.name, expected }, cast.badText);
    found.describe(id, 'type-mismatch', cast.badValue);
    for (const i of cast.badRows) found.failures.fail(id, i);
  }
  if (field.required && src.nullCount !== 0) {
    const id = found.failures.rule({ rule: 'required', field: field.name, expected: `non-null ${expected}` }, () => '');
    found.describe(id, 'null-in-required', () => 'null');
    // A value the decoder could not type is null, and already failed rule `type`.
    const typed = decoded && new Set(decoded.map((d) => d.index));
    for (const i of nullIndices(src)) if (!typed?.has(i)) found.failures.fail(id, i);
  }
  return cast.data;
}

const lenientSchemas = new WeakMap<ContractObject, arrow.Schema>();

/** The contract's schema with every field nullable (what warn mode returns). */
export function lenientSchema(object: ContractObject): arrow.Schema {
  let s = lenientSchemas.get(object);
  if (s === undefined) {
    const fields = object.arrowSchema.fields.map((f) => (f.nullable ? f : new arrow.Field(f.name, f.type, true, f.metadata)));
    s = new arrow.Schema(fields, object.arrowSchema.metadata);
    lenientSchemas.set(object, s);
  }
  return s;
}

/**
 * Collects issues up to the cap and counts all of them; the failing rows themselves are in
 * `failures`, whose every failure (of a row rule) is also an issue.
 */
class Issues {
  readonly issues: ValidationIssue[] = [];
  readonly failures: FailureCollector;
  total = 0;
  private readonly max: number;
  /** How a rule's failures read as issues: kind and the value shown; by rule id. */
  private readonly shown = new Map<number, { kind: ValidationIssue['kind']; actual: (i: number) => string }>();

  constructor(
    private readonly opts: ValidateOptions,
    rows: number,
  ) {
    this.max = opts.maxIssues ?? DEFAULT_MAX_ISSUES;
    this.failures = new FailureCollector(rows, opts.rowOffset, (id, ref, i) => this.failed(id, ref, i));
  }

  add(kind: ValidationIssue['kind'], index: number, field: string, expected: string, actual: string, rule?: string): void {
    this.total++;
    if (this.issues.length < this.max) {
      const issue: ValidationIssue = { kind, stream: this.opts.stream, row: this.opts.rowOffset + index, field, expected, actual };
      if (rule !== undefined) issue.rule = rule;
      this.issues.push(issue);
    }
  }

  /** Failures of rule `id` read as issues of `kind` showing `actual(i)` (default: a rule violation). */
  describe(id: number, kind: ValidationIssue['kind'], actual: (i: number) => string): void {
    this.shown.set(id, { kind, actual });
  }

  /** Runs one row check of a column (its contract-typed data). */
  check(c: RowCheck, data: arrow.Data): void {
    const get = reader(data);
    const id = this.failures.rule(c, (i) => (data.getValid(i) ? textOf(data.type, get(i)) : ''));
    this.describe(id, 'rule-violation', (i) => (data.getValid(i) ? describeValue(data.type, get(i)) : 'null'));
    c.run(data, (i) => this.failures.fail(id, i));
  }

  /** Values the decoder could not type (JSON Lines, invalidValues: 'null'): rule `type`. */
  decodeFailures(field: ContractField, list: DecodeFailure[]): void {
    const byIndex = new Map(list.map((d) => [d.index, d]));
    const ref = { rule: 'type', field: field.name, expected: list[0]!.expected };
    const id = this.failures.rule(ref, (i) => byIndex.get(i)?.text ?? '');
    this.describe(id, 'type-mismatch', (i) => byIndex.get(i)?.actual ?? '');
    for (const d of list) this.failures.fail(id, d.index);
  }

  allRows(ref: RuleRef): void {
    this.failures.failAll(this.failures.rule(ref, () => ''));
  }

  private failed(id: number, ref: RuleRef, i: number): void {
    const how = this.shown.get(id);
    const kind = how?.kind ?? 'rule-violation';
    this.total++;
    if (this.issues.length >= this.max) return;
    const actual = how ? how.actual(i) : this.ruleValue(id, i);
    const issue: ValidationIssue = { kind, stream: this.opts.stream, row: this.opts.rowOffset + i, field: ref.field, expected: ref.expected, actual, rule: ref.rule };
    this.issues.push(issue);
  }

  private ruleValue(id: number, i: number): string {
    return this.failures.valueOf(id, i);
  }
}
