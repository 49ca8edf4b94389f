/**
 * The run-level rules of one stream: uniqueness (unique, primaryKey, duplicateCount/duplicateValues)
 * and counts compared at the end (rowCount, nullValues, ... with a tolerance). One StreamRules per
 * stream and run: pass it to validateBatch for every batch (which calls observe), then finish().
 *
 *   const rules = new StreamRules(object, { stream, mode });
 *   for (...) validateBatch(rb, object, { mode, stream, rowOffset, rules });
 *   const results = rules.finish();   // strict: throws DataQualityError when a count rule failed
 *
 * Memory: one KeySet per distinct key (key-set.ts: at most 8 bytes a slot, 64 MiB at the default
 * maxKeys); counts are a number each.
 */
import type * as arrow from 'apache-arrow';
import { DataQualityError } from '../errors.js';
import type { ContractObject } from '../model.js';
import { DEFAULT_MAX_KEYS, KeySet, Seen } from './key-set.js';
import { isIntegerKey, keyWords } from './key-words.js';
import type { CountRule, CountUnit, KeyRule, NotEnforced } from './model.js';
import { holds } from './operators.js';
import type { FailureCollector } from './row-failures.js';
import { reader, textOf, validity } from './values.js';
import { readI64, words32 } from '../columns.js';

export interface StreamRulesOptions {
  stream: string;
  mode: 'strict' | 'warn';
  /** Keys kept per uniqueness rule (default 4,194,304: at most 64 MiB each). */
  maxKeys?: number;
}

export interface RunRuleResult {
  rule: string;
  field: string;
  expected: string;
  /** The metric: rows, or percent of the stream's rows. */
  actual: number;
  unit: CountUnit;
  /** unchecked: a uniqueness rule met more distinct keys than maxKeys; later repeats may be missed. */
  status: 'passed' | 'failed' | 'unchecked';
  message: string;
}

interface KeyState {
  rule: KeyRule;
  set: KeySet;
  /** Repeated keys seen (rows). */
  duplicates: number;
  unstored: number;
}

export class StreamRules {
  /** Rules of the contract the host does not run: warn once per stream. */
  readonly notEnforced: NotEnforced[];
  private rows = 0;
  private readonly counted: number[];
  private readonly keys: KeyState[];

  constructor(
    readonly object: ContractObject,
    private readonly opts: StreamRulesOptions,
  ) {
    this.notEnforced = object.rules.notEnforced;
    this.counted = object.rules.counts.map(() => 0);
    this.keys = object.rules.keys.map((rule) => ({
      rule,
      set: new KeySet(opts.maxKeys ?? DEFAULT_MAX_KEYS),
      duplicates: 0,
      unstored: 0,
    }));
  }

  /** Bytes held by the key sets. */
  get memoryBytes(): number {
    return this.keys.reduce((s, k) => s + k.set.bytes, 0);
  }

  /**
   * One batch in the contract's schema (validateBatch's output). Repeated keys of rows that passed
   * every row rule so far fail their row in `failures`; rows already failing are not keyed, so a
   * quarantined row never makes a later row a duplicate.
   */
  observe(batch: arrow.RecordBatch, failures: FailureCollector): void {
    const n = batch.numRows;
    this.rows += n;
    this.object.rules.counts.forEach((c, k) => {
      if (c.rows === undefined) return;
      const data = column(batch, c.field);
      c.rows.run(data, () => this.counted[k]!++);
    });
    for (const k of this.keys) this.observeKey(k, batch, n, failures);
  }

  private observeKey(
    k: KeyState,
    batch: arrow.RecordBatch,
    n: number,
    failures: FailureCollector,
  ): void {
    const cols = k.rule.fields.map((f) => column(batch, f));
    const ids = k.rule.rowRules.map((r) => failures.rule(r, (i) => keyText(cols, i)));
    const seen = (i: number, s: Seen): void => {
      if (s === Seen.New) return;
      if (s === Seen.Unstored) {
        k.unstored++;
        return;
      }
      k.duplicates++;
      for (const id of ids) failures.fail(id, i);
    };
    const single = cols.length === 1 ? cols[0]! : undefined;
    if (single && isIntegerKey(single.type)) {
      if (single.nullCount === 0 && failures.count === 0 && consecutive(single, k.set, n)) return;
      const valid = validity(single);
      const big = !(single.values instanceof Int32Array);
      const w = big ? words32(single.values as BigInt64Array) : undefined;
      const v32 = big ? undefined : (single.values as Int32Array);
      const first = failures.firstRules;
      for (let i = 0; i < n; i++) {
        if ((first !== undefined && first[i] !== 0) || !valid(i)) continue;
        if (v32) seen(i, k.set.addInteger(v32[i]!));
        else {
          const hi = w![2 * i + 1]!;
          seen(
            i,
            hi >= -0x200000 && hi < 0x200000
              ? k.set.addInteger(readI64(w!, i))
              : k.set.add(hi, w![2 * i]!),
          );
        }
      }
      return;
    }
    const words = keyWords(cols, n);
    for (let i = 0; i < n; i++) {
      if (words.present[i] === 0 || failures.failed(i)) continue;
      seen(i, k.set.add(words.hi[i]!, words.lo[i]!));
    }
  }

  /** The count rules' results, and uniqueness rules that could not be fully checked. */
  finish(): RunRuleResult[] {
    const results: RunRuleResult[] = [];
    const rules = this.object.rules;
    rules.counts.forEach((c, k) =>
      results.push(this.result(c, c.rule === 'rowCount' ? this.rows : this.counted[k]!)),
    );
    for (const k of this.keys) {
      for (const c of k.rule.counts) results.push(this.result(c, k.duplicates));
      if (k.unstored > 0) {
        const field = k.rule.fields.join(',');
        const rule = [...k.rule.rowRules, ...k.rule.counts].map((r) => r.rule).join(', ');
        results.push({
          rule,
          field,
          expected: 'unique',
          actual: k.duplicates,
          unit: 'rows',
          status: 'unchecked',
          message: `${rule} on "${field}": more than ${k.set.stored} distinct keys in this run; ${k.unstored} rows were not checked against each other (raise maxKeys)`,
        });
      }
    }
    const failed = results.filter((r) => r.status === 'failed');
    if (this.opts.mode === 'strict' && failed.length > 0)
      throw new DataQualityError(this.opts.stream, failed);
    return results;
  }

  private result(c: CountRule, count: number): RunRuleResult {
    const actual = c.unit === 'percent' ? (this.rows === 0 ? 0 : (100 * count) / this.rows) : count;
    const passed = holds(c.threshold, actual);
    const where =
      c.field === ''
        ? `stream "${this.opts.stream}"`
        : `stream "${this.opts.stream}", field "${c.field}"`;
    const shown =
      c.unit === 'percent' ? `${round(actual)}% (${count} of ${this.rows} rows)` : `${actual} rows`;
    return {
      rule: c.rule,
      field: c.field,
      expected: c.expected,
      actual,
      unit: c.unit,
      status: passed ? 'passed' : 'failed',
      message: `${where}: ${c.rule} ${passed ? 'passed' : 'failed'}: ${shown}, expected ${c.expected}`,
    };
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The batch's keys are v, v+1, ..., v+n-1 and were taken as a run of the interval. */
function consecutive(data: arrow.Data, set: KeySet, n: number): boolean {
  if (n === 0) return true;
  if (data.values instanceof Int32Array) {
    const v = data.values;
    const first = v[0]!;
    for (let i = 1; i < n; i++) if (v[i] !== first + i) return false;
    return set.addRun(first, n);
  }
  const w = words32(data.values as BigInt64Array);
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i + 1]!;
    if (hi < -0x200000 || hi >= 0x200000) return false;
  }
  const first = readI64(w, 0);
  for (let i = 1; i < n; i++) if (readI64(w, i) !== first + i) return false;
  return set.addRun(first, n);
}

function column(batch: arrow.RecordBatch, name: string): arrow.Data {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  return batch.data.children[i]!;
}

function keyText(cols: arrow.Data[], i: number): string {
  const parts = cols.map((d) => textOf(d.type, reader(d)(i)));
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`;
}
