/**
 * Values a decoder (JSON Lines) could not type and left null, handed on to validateBatch, which
 * reports them as rule `type` failures of their rows. Keyed by the decoded batch itself, so the
 * pipeline passes nothing extra between the two.
 */
import type * as arrow from 'apache-arrow';

export interface DecodeFailure {
  /** Index in the batch. */
  index: number;
  expected: string;
  /** For messages: `JSON string "abc" (line 7)`. */
  actual: string;
  /** The value as text, for a rejected row's `_value`. */
  text: string;
}

const pending = new WeakMap<arrow.RecordBatch, Map<string, DecodeFailure[]>>();

export function recordDecodeFailures(batch: arrow.RecordBatch, byField: Map<string, DecodeFailure[]>): void {
  if (byField.size > 0) pending.set(batch, byField);
}

/** The failures of `batch` by field, once (validateBatch takes them). */
export function takeDecodeFailures(batch: arrow.RecordBatch): Map<string, DecodeFailure[]> | undefined {
  const found = pending.get(batch);
  if (found !== undefined) pending.delete(batch);
  return found;
}
