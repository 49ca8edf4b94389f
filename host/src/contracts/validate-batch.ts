/**
 * Checks one Arrow record batch against a contract object, column by column, and returns it in the
 * contract's schema (contract field order and types) so a Parquet writer can rely on it.
 *
 *   missing field       required: violation (row = rowOffset, actual "missing"); the column is all null
 *                       optional: an all-null column, no violation
 *   other Arrow type    cast when lossless (cast.ts); else a violation naming expected and actual
 *                       types, and the column is all null
 *   uncastable value    (text that is not a timestamp, out-of-range integer) row violation, value -> null
 *   null in required    row violation
 *   extra column        strict: violation; warn: dropped, reported once per `reported` set
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
import { nullColumn, nullIndices } from './columns.js';
import { DataValidationError, type ValidationIssue } from './errors.js';
import type { ContractField, ContractObject } from './model.js';

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
}

export const DEFAULT_MAX_ISSUES = 100;

export function validateBatch(batch: arrow.RecordBatch, object: ContractObject, opts: ValidateOptions): ValidationResult {
  const n = batch.numRows;
  const found = new Issues(opts, n);
  const indexOf = new Map<string, number>();
  batch.schema.fields.forEach((f, i) => {
    if (!indexOf.has(f.name)) indexOf.set(f.name, i);
  });

  let sameLayout = batch.schema.fields.length === object.fields.length;
  const columns = object.fields.map((field, i) => {
    const index = indexOf.get(field.name);
    const data = checkColumn(batch, index, field, found);
    sameLayout &&= index === i && sameBuffers(data, batch.data.children[i]!);
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

  if (opts.mode === 'strict' && found.total > 0) throw new DataValidationError(found.issues, { totalIssues: found.total });
  const schema = opts.mode === 'strict' ? object.arrowSchema : lenientSchema(object);
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children: columns });
  return { batch: new arrow.RecordBatch(schema, data), sameLayout, invalidRows: found.invalidRows(), issues: found.issues };
}

/** `data` is `src` itself or `src` relabelled with an equal type (what castColumn returns when no cast is needed). */
const sameBuffers = (data: arrow.Data, src: arrow.Data): boolean =>
  data === src ||
  (data.values === src.values && data.nullBitmap === src.nullBitmap && data.valueOffsets === src.valueOffsets && data.offset === src.offset && data.length === src.length && data.children.length === 0 && src.children.length === 0);

function checkColumn(batch: arrow.RecordBatch, index: number | undefined, field: ContractField, found: Issues): arrow.Data {
  const n = batch.numRows;
  const expected = describeType(field.arrowType);
  if (index === undefined) {
    if (field.required) {
      found.add('missing-field', 0, field.name, `${expected} (required)`, 'missing');
      found.allRowsInvalid();
    }
    return nullColumn(field.arrowType, n);
  }
  const src = batch.data.children[index]!;
  const cast = castColumn(src, field.arrowType, field.logicalType === 'object' || field.logicalType === 'array');
  if (cast === undefined) {
    found.add('type-mismatch', 0, field.name, expected, describeType(src.type));
    found.allRowsInvalid();
    return nullColumn(field.arrowType, n);
  }
  for (const i of cast.badRows) found.row(i, 'type-mismatch', field.name, expected, cast.badValue(i));
  if (field.required) for (const i of nullIndices(src)) found.row(i, 'null-in-required', field.name, `non-null ${expected}`, 'null');
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

/** Collects issues up to the cap, counts all of them, and tracks which rows are invalid. */
class Issues {
  readonly issues: ValidationIssue[] = [];
  total = 0;
  private readonly max: number;
  private flags: Uint8Array | undefined;
  private flagged = 0;
  private all = false;

  constructor(
    private readonly opts: ValidateOptions,
    private readonly rows: number,
  ) {
    this.max = opts.maxIssues ?? DEFAULT_MAX_ISSUES;
  }

  add(kind: ValidationIssue['kind'], index: number, field: string, expected: string, actual: string): void {
    this.total++;
    if (this.issues.length < this.max) {
      this.issues.push({ kind, stream: this.opts.stream, row: this.opts.rowOffset + index, field, expected, actual });
    }
  }

  row(index: number, kind: ValidationIssue['kind'], field: string, expected: string, actual: string): void {
    this.add(kind, index, field, expected, actual);
    this.flags ??= new Uint8Array(this.rows);
    if (this.flags[index] === 0) {
      this.flags[index] = 1;
      this.flagged++;
    }
  }

  allRowsInvalid(): void {
    this.all = true;
  }

  invalidRows(): number {
    return this.all ? this.rows : this.flagged;
  }
}
