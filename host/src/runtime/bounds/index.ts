/**
 * Bounds on a batch a reader plugin returned, checked on the host before the batch is
 * queued or decoded, from sizes the host controls (the plugin's limits): see
 * docs/SECURITY.md, "Limits on plugin output".
 */
import { batchInvalid, outputLimit } from '../../errors/index.js';
import type { Limits } from '../../capabilities/grant.js';
import type { Batch } from '../plugin-types.js';
import { checkIpcBatch } from './ipc.js';
import { checkJsonLinesBatch } from './json-lines.js';

export interface BatchBounds {
  maxRows: number;
  maxExpandedBytes: number;
  maxJsonLineBytes: number;
  /** Columns the host builds for the stream's contract, whatever the batch holds. */
  contractFields: number;
}

/** How a check refuses: both throw a typed PluginError. */
export interface Refuse {
  invalid(encoding: string, reason: string, details?: Record<string, unknown>): never;
  limit(what: string, limit: string, actual: number, max: number): never;
}

export const boundsOf = (limits: Limits, schema: Record<string, unknown> | undefined): BatchBounds => ({
  maxRows: limits.maxBatchRows,
  maxExpandedBytes: limits.maxBatchExpandedBytes,
  maxJsonLineBytes: limits.maxJsonLineBytes,
  contractFields: Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {}).length,
});

/** Throws BATCH_INVALID or PLUGIN_OUTPUT_LIMIT when the batch is malformed or over a bound. */
export function checkBatch(plugin: string, batch: Batch, bounds: BatchBounds): void {
  const refuse: Refuse = {
    invalid: (encoding, reason, details) => {
      throw batchInvalid(plugin, encoding, reason, details);
    },
    limit: (what, limit, actual, max) => {
      throw outputLimit(plugin, what, limit, actual, max);
    },
  };
  if (batch.encoding === 'json-lines') checkJsonLinesBatch(batch.bytes, bounds, refuse);
  else if (batch.encoding === 'arrow-ipc-stream') checkIpcBatch(batch.bytes, bounds, refuse);
  else refuse.invalid(String(batch.encoding), 'unknown encoding');
}
