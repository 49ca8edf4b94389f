/**
 * One stream's validation for a run, as the pipeline needs it: validateBatch on every batch with
 * the stream's StreamRules, the `reported` set, the row offset, and what warn mode does with the
 * failing rows (`invalid_rows`: keep them, or quarantine them to a `_rejected/` table).
 *
 *   const v = new StreamValidator(object, { stream, mode, invalidRows: 'quarantine' });
 *   if (v.warning) log.warn(v.warning);                    // rules the host does not run, once
 *   for (const rb of batches) {
 *     const out = v.validate(rb);                          // strict: throws DataValidationError
 *     await writer.write(out.batch, out.sameLayout ? ipcBytes : undefined);
 *     if (out.rejected) await rejectedWriter.write(out.rejected);
 *   }
 *   const summary = v.finish();                            // strict: throws DataQualityError
 */
import type * as arrow from 'apache-arrow';
import type { ValidationIssue } from './errors.js';
import type { ContractObject } from './model.js';
import { describeNotEnforced } from './rules/describe.js';
import type { NotEnforced } from './rules/model.js';
import type { RowFailures } from './rules/row-failures.js';
import { rejectedSchema, splitRejected } from './rules/split-rejected.js';
import { StreamRules, type RunRuleResult } from './rules/stream-rules.js';
import { lenientSchema, validateBatch, type ValidationMode } from './validate-batch.js';

export type InvalidRows = 'keep' | 'quarantine';

export interface StreamValidatorOptions {
  stream: string;
  mode: ValidationMode;
  /** warn mode only: keep failing rows in the stream (default) or move them to `rejected`. */
  invalidRows?: InvalidRows;
  /** Issues returned per batch (default 100). */
  maxIssues?: number;
  /** Keys kept per uniqueness rule (default 4,194,304). */
  maxKeys?: number;
}

export interface ValidatedBatch {
  /** The rows for the stream's table, in the contract's schema. */
  batch: arrow.RecordBatch;
  /** `batch` is the input's columns unchanged: the input's IPC bytes encode it. */
  sameLayout: boolean;
  /** quarantine: the failing rows, with `_rule`, `_field`, `_value`. */
  rejected?: arrow.RecordBatch;
  issues: ValidationIssue[];
  failures: RowFailures;
}

export interface StreamValidationSummary {
  rows: number;
  /** Rows that failed a rule (kept, or quarantined). */
  invalidRows: number;
  rejectedRows: number;
  /** Failing rows per rule, each under the first rule it failed. */
  byRule: Record<string, number>;
  /** Count rules (rowCount, ...) and uniqueness rules not fully checked. */
  runRules: RunRuleResult[];
  notEnforced: NotEnforced[];
}

export class StreamValidator {
  private readonly rules: StreamRules;
  private readonly reported = new Set<string>();
  private rows = 0;
  private invalid = 0;
  private rejectedRows = 0;
  private readonly byRule: Record<string, number> = {};

  constructor(
    readonly object: ContractObject,
    private readonly opts: StreamValidatorOptions,
  ) {
    this.rules = new StreamRules(object, { stream: opts.stream, mode: opts.mode, ...(opts.maxKeys !== undefined ? { maxKeys: opts.maxKeys } : {}) });
  }

  /** The one-time warning naming the contract's rules the host does not run, if any. */
  get warning(): string | undefined {
    const n = this.rules.notEnforced;
    return n.length > 0 ? describeNotEnforced(this.opts.stream, n) : undefined;
  }

  get quarantine(): boolean {
    return this.opts.mode === 'warn' && this.opts.invalidRows === 'quarantine';
  }

  /** The schema of the rejected rows (quarantine), to open their writer before the first batch. */
  get rejectedSchema(): arrow.Schema {
    return rejectedSchema(lenientSchema(this.object));
  }

  validate(input: arrow.RecordBatch): ValidatedBatch {
    const v = validateBatch(input, this.object, {
      mode: this.opts.mode,
      stream: this.opts.stream,
      rowOffset: this.rows,
      reported: this.reported,
      rules: this.rules,
      ...(this.opts.maxIssues !== undefined ? { maxIssues: this.opts.maxIssues } : {}),
    });
    this.rows += input.numRows;
    this.invalid += v.failures.size;
    for (const [rule, n] of Object.entries(v.failures.countByRule())) this.byRule[rule] = (this.byRule[rule] ?? 0) + n;
    if (!this.quarantine || v.failures.size === 0) return { batch: v.batch, sameLayout: v.sameLayout, issues: v.issues, failures: v.failures };
    const { accepted, rejected } = splitRejected(v.batch, v.failures);
    this.rejectedRows += rejected?.numRows ?? 0;
    return { batch: accepted, sameLayout: false, ...(rejected ? { rejected } : {}), issues: v.issues, failures: v.failures };
  }

  finish(): StreamValidationSummary {
    const runRules = this.rules.finish();
    return {
      rows: this.rows,
      invalidRows: this.invalid,
      rejectedRows: this.rejectedRows,
      byRule: { ...this.byRule },
      runRules,
      notEnforced: this.rules.notEnforced,
    };
  }
}
