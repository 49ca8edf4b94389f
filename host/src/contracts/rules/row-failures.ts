/**
 * The failing rows of one batch: which rows, and for each the first rule it failed (the field, what
 * was expected, the value). Kept as typed arrays (one Int32 per row of the batch, allocated at the
 * first failure); a RowFailure object is made only when the caller asks for one.
 */
import type { RuleRef } from './model.js';

export interface RowFailure {
  /** Index in the batch. */
  index: number;
  /** Row of the stream: rowOffset + index. */
  row: number;
  rule: string;
  field: string;
  expected: string;
  /** The offending value as text; "" for a null or a missing column. */
  value: string;
}

interface Registered extends RuleRef {
  value: (i: number) => string;
}

/** Told of every failure as it happens (validateBatch turns the first ones into issues). */
export type FailureListener = (id: number, ref: RuleRef, i: number) => void;

export class RowFailures {
  static readonly EMPTY = new RowFailures(0, new Int32Array(0), undefined, [], 0);

  constructor(
    private readonly rowOffset: number,
    /** Batch indices of the failing rows, ascending. */
    readonly rows: Int32Array,
    private readonly first: Int32Array | undefined,
    private readonly rules: Registered[],
    /** Failures counted over every rule (a row failing two rules counts twice). */
    readonly total: number,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Row `index` of the batch failed some rule. */
  failed(index: number): boolean {
    return this.first !== undefined && this.first[index]! > 0;
  }

  /** The k-th failing row (0 <= k < size) with the first rule it failed. */
  get(k: number): RowFailure {
    const index = this.rows[k]!;
    return this.at(index)!;
  }

  /** The first failure of batch row `index`, or undefined when it passed. */
  at(index: number): RowFailure | undefined {
    const id = this.first?.[index] ?? 0;
    if (id === 0) return undefined;
    const r = this.rules[id - 1]!;
    return {
      index,
      row: this.rowOffset + index,
      rule: r.rule,
      field: r.field,
      expected: r.expected,
      value: r.value(index),
    };
  }

  /** Failing rows per rule (each row under the first rule it failed), for a run summary. */
  countByRule(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let k = 0; k < this.rows.length; k++) {
      const r = this.rules[this.first![this.rows[k]!]! - 1]!.rule;
      out[r] = (out[r] ?? 0) + 1;
    }
    return out;
  }

  *[Symbol.iterator](): Generator<RowFailure> {
    for (let k = 0; k < this.rows.length; k++) yield this.get(k);
  }
}

/** Collects failures while a batch is checked; `done()` freezes them. */
export class FailureCollector {
  private first: Int32Array | undefined;
  private readonly rules: Registered[] = [];
  private failedRows = 0;
  total = 0;

  constructor(
    readonly rows: number,
    private readonly rowOffset: number,
    private readonly listener?: FailureListener,
  ) {}

  /** Registers a rule; `value(i)` shows a failing row's value. Returns the rule's id. */
  rule(ref: RuleRef, value: (i: number) => string): number {
    this.rules.push({ rule: ref.rule, field: ref.field, expected: ref.expected, value });
    return this.rules.length;
  }

  /** Row i failed rule `id`; true when it is the row's first failure. */
  fail(id: number, i: number): boolean {
    this.total++;
    this.listener?.(id, this.rules[id - 1]!, i);
    this.first ??= new Int32Array(this.rows);
    if (this.first[i] !== 0) return false;
    this.first[i] = id;
    this.failedRows++;
    return true;
  }

  /** Every row failed rule `id` (a missing required column, a column of the wrong type); not told to the listener. */
  failAll(id: number): void {
    this.first ??= new Int32Array(this.rows);
    this.total += this.rows;
    for (let i = 0; i < this.rows; i++) {
      if (this.first[i] !== 0) continue;
      this.first[i] = id;
      this.failedRows++;
    }
  }

  failed(i: number): boolean {
    return this.first !== undefined && this.first[i] !== 0;
  }

  /** Per row of the batch: 0, or the id of its first failed rule; undefined while none failed. */
  get firstRules(): Int32Array | undefined {
    return this.first;
  }

  /** Rule `id`'s text of row i's value. */
  valueOf(id: number, i: number): string {
    return this.rules[id - 1]!.value(i);
  }

  get count(): number {
    return this.failedRows;
  }

  done(): RowFailures {
    if (this.first === undefined) return RowFailures.EMPTY;
    const rows = new Int32Array(this.failedRows);
    let k = 0;
    for (let i = 0; i < this.rows; i++) if (this.first[i] !== 0) rows[k++] = i;
    return new RowFailures(this.rowOffset, rows, this.first, this.rules, this.total);
  }
}
