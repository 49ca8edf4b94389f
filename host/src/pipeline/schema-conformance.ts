/**
 * Each input's schema (a CSV header, a table's columns: whatever Arrow schema the reader
 * reports for it) against the contract, before any of its rows is accepted. Readers name
 * the input in the batch's schema metadata (`dativo.source`, and `dativo.source.line`:
 * the file line of the batch's first row); batches without it are checked per distinct
 * schema. A difference is reported once per input, never once per batch:
 *
 *   missing required column   strict: SCHEMA_MISMATCH   warn: reported; rows invalid (null)
 *   missing optional column   strict: SCHEMA_MISMATCH   warn: reported; all null
 *   re-cased column (Id/id)   strict: SCHEMA_MISMATCH   warn: reported; read as the contract's
 *   extra column              extra_columns: error (default strict) | drop (default warn) | keep
 *
 * A type the contract's cannot be cast from is found by validateBatch, per column.
 */
import * as arrow from 'apache-arrow';
import type { Logger } from 'pino';
import { describeType, type ContractObject } from '../contracts/index.js';
import { HostError } from '../errors/index.js';

export const SOURCE_KEY = 'dativo.source';
export const SOURCE_LINE_KEY = 'dativo.source.line';

export type ExtraColumns = 'error' | 'drop' | 'keep';

export interface SchemaDifference {
  stream: string;
  /** The input (the user's path for files), or "(reader)" when the reader names none. */
  source: string;
  column: string;
  kind: 'missing-required' | 'missing-optional' | 're-cased' | 'extra';
  expected: string;
  actual: string;
  /** What the run did about it. */
  action: 'failed' | 'null' | 'renamed' | 'dropped' | 'kept';
}

export class SchemaMismatchError extends HostError {
  constructor(d: SchemaDifference, all: SchemaDifference[]) {
    const what = { 'missing-required': 'is missing', 'missing-optional': 'is missing', 're-cased': 'differs in case', extra: 'is not in the contract' }[d.kind];
    super('SCHEMA_MISMATCH', 'host', `stream "${d.stream}", ${d.source}: column "${d.kind === 're-cased' ? d.actual : d.column}" ${what} (contract expects ${d.expected}; found ${d.actual})`, {
      details: { ...d, differences: all },
    });
  }
}

export interface ConformanceOptions {
  stream: string;
  mode: 'strict' | 'warn';
  extraColumns: ExtraColumns;
  /** The user's name for an input the reader named (guest path -> host path). */
  describeSource: (source: string) => string;
  log: Logger;
}

/** How the batches of one input (one schema) are adapted; computed once per input. */
interface Adaptation {
  /** Nothing to change: the batch goes on as it came. */
  identity: boolean;
  /** Batch column index -> contract name, for the columns validation sees. */
  keep: { index: number; name: string }[];
  extras: number[];
}

export interface Adapted {
  batch: arrow.RecordBatch;
  /** Extra columns to write after the contract's (extra_columns: keep). */
  extras: { field: arrow.Field; data: arrow.Data }[];
  /** The input, as the user names it, and the file line of the batch's first row. */
  source?: string;
  firstLine?: number;
}

const MAX_DIFFERENCES = 1000;

export class StreamConformance {
  readonly differences: SchemaDifference[] = [];
  total = 0;
  readonly #seen = new Map<string, Adaptation>();
  /** The user's name of each input, worked out once (not per batch). */
  readonly #sources = new Map<string, string>();

  constructor(
    private readonly object: ContractObject,
    private readonly opts: ConformanceOptions,
  ) {}

  adapt(batch: arrow.RecordBatch): Adapted {
    const named = batch.schema.metadata.get(SOURCE_KEY);
    let source: string | undefined;
    if (named !== undefined) {
      source = this.#sources.get(named);
      if (source === undefined) this.#sources.set(named, (source = this.opts.describeSource(named)));
    }
    const line = Number(batch.schema.metadata.get(SOURCE_LINE_KEY));
    const key = `${named ?? ''}\0${batch.schema.fields.map((f) => `${f.name}:${f.type}`).join('\0')}`;
    let a = this.#seen.get(key);
    if (a === undefined) {
      a = this.#plan(batch.schema, source ?? '(reader)');
      this.#seen.set(key, a);
    }
    const firstLine = Number.isSafeInteger(line) && line > 0 ? line : undefined;
    if (a.identity) return { batch, extras: [], source, firstLine };
    const fields = a.keep.map(({ index, name }) => {
      const f = batch.schema.fields[index]!;
      return f.name === name ? f : new arrow.Field(name, f.type, f.nullable, f.metadata);
    });
    const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children: a.keep.map(({ index }) => batch.data.children[index]!) });
    const extras = a.extras.map((i) => ({ field: batch.schema.fields[i]!, data: batch.data.children[i]! }));
    return { batch: new arrow.RecordBatch(new arrow.Schema(fields), data), extras, source, firstLine };
  }

  #plan(schema: arrow.Schema, source: string): Adaptation {
    const { stream, mode, extraColumns } = this.opts;
    const found: SchemaDifference[] = [];
    const exact = new Map(schema.fields.map((f, i) => [f.name, i] as const));
    const used = new Set<number>();
    const keep: { index: number; name: string }[] = [];
    for (const field of this.object.fields) {
      const expected = `${describeType(field.arrowType)}${field.required ? ' (required)' : ''}`;
      let index = exact.get(field.name);
      if (index === undefined) {
        const lower = field.name.toLowerCase();
        index = schema.fields.findIndex((f, i) => !used.has(i) && f.name.toLowerCase() === lower && !this.object.fields.some((o) => o.name === f.name));
        if (index >= 0) {
          found.push({ stream, source, column: field.name, kind: 're-cased', expected, actual: schema.fields[index]!.name, action: mode === 'strict' ? 'failed' : 'renamed' });
        } else {
          const kind = field.required ? 'missing-required' : 'missing-optional';
          found.push({ stream, source, column: field.name, kind, expected, actual: 'missing', action: mode === 'strict' ? 'failed' : 'null' });
          continue;
        }
      }
      used.add(index);
      keep.push({ index, name: field.name });
    }
    const extras: number[] = [];
    schema.fields.forEach((f, i) => {
      if (used.has(i)) return;
      const action = extraColumns === 'error' ? 'failed' : extraColumns === 'drop' ? 'dropped' : 'kept';
      found.push({ stream, source, column: f.name, kind: 'extra', expected: 'no such column', actual: describeType(f.type), action });
      if (extraColumns === 'keep') extras.push(i);
    });
    this.total += found.length;
    this.differences.push(...found.slice(0, MAX_DIFFERENCES - this.differences.length));
    const failed = found.find((d) => d.action === 'failed');
    if (failed) throw new SchemaMismatchError(failed, found);
    for (const d of found) this.opts.log.warn({ schemaDifference: d }, `${source}: column "${d.kind === 're-cased' ? d.actual : d.column}" ${d.kind} (${d.action})`);
    // Complete columns (in any order) go on as they are: validateBatch takes them by name.
    return { identity: found.length === 0, keep, extras };
  }
}
