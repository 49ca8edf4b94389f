import { HostError } from '../errors/index.js';

/** What went wrong with one value, one column, or one line of a batch checked against a contract. */
export type ValidationIssueKind =
  | 'missing-field' // a contract field is not in the batch
  | 'type-mismatch' // a column (or one value of it) cannot be cast losslessly to the contract type
  | 'null-in-required' // a null where the contract says required
  | 'extra-field' // a column the contract does not declare
  | 'corrupt-line' // a JSON Lines line that is not a JSON object
  | 'rule-violation'; // a value fails a data quality rule of the contract (rules/)

export interface ValidationIssue {
  kind: ValidationIssueKind;
  stream: string;
  /** Absolute row (rowOffset + index in the batch); for JSON Lines, the 1-based line number. */
  row: number;
  field: string;
  expected: string;
  actual: string;
  /**
   * The rule the row failed, as in RowFailure.rule: 'type' (type-mismatch), 'required'
   * (null-in-required, missing-field), or the data quality rule (rule-violation).
   */
  rule?: string;
}

export const describeIssue = (i: ValidationIssue): string =>
  i.kind === 'corrupt-line'
    ? `stream "${i.stream}" line ${i.row}: expected ${i.expected}, got ${i.actual}`
    : i.kind === 'rule-violation'
      ? `stream "${i.stream}" row ${i.row}, field "${i.field}": rule ${i.rule} (${i.expected}) failed, got ${i.actual}`
      : `stream "${i.stream}" row ${i.row}, field "${i.field}": expected ${i.expected}, got ${i.actual}`;

/** Data does not conform to its contract. Terminal: retrying the same data gives the same answer. */
export class DataValidationError extends HostError {
  readonly issues: ValidationIssue[];

  /** `issues` must not be empty; the first one is named in the message. */
  constructor(issues: ValidationIssue[], opts: { totalIssues?: number; cause?: unknown } = {}) {
    const first = issues[0];
    if (first === undefined) throw new TypeError('DataValidationError needs at least one issue');
    const total = opts.totalIssues ?? issues.length;
    const more = total > 1 ? ` (and ${total - 1} more issue${total > 2 ? 's' : ''})` : '';
    super('DATA_VALIDATION_FAILED', 'host', `data contract violation: ${describeIssue(first)}${more}`, {
      retryable: false,
      cause: opts.cause,
      details: {
        stream: first.stream,
        row: first.row,
        field: first.field,
        expected: first.expected,
        actual: first.actual,
        kind: first.kind,
        ...(first.rule !== undefined ? { rule: first.rule } : {}),
        totalIssues: total,
        issues,
      },
    });
    this.issues = issues;
  }
}

/** A count rule of the contract (rowCount, nullValues with a tolerance, ...) failed at the end of a stream. */
export class DataQualityError extends HostError {
  readonly results: { rule: string; field: string; expected: string; actual: number; message: string }[];

  constructor(stream: string, failed: { rule: string; field: string; expected: string; actual: number; unit: string; message: string }[]) {
    const first = failed[0];
    if (first === undefined) throw new TypeError('DataQualityError needs at least one failed rule');
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed rule${failed.length > 2 ? 's' : ''})` : '';
    super('DATA_QUALITY_FAILED', 'host', `data quality rule failed: ${first.message}${more}`, {
      retryable: false,
      details: { stream, rule: first.rule, field: first.field, expected: first.expected, actual: first.actual, unit: first.unit, failed },
    });
    this.results = failed;
  }
}
