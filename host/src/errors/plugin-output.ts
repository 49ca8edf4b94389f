import { PluginError } from './plugin-errors.js';

/**
 * Refusals of what a plugin produced: a batch that is not what its encoding says
 * (BATCH_INVALID), or output past a limit the host sets (PLUGIN_OUTPUT_LIMIT). Both are
 * terminal: the same plugin output gives the same answer.
 */
export const batchInvalid = (
  plugin: string,
  encoding: string,
  reason: string,
  details: Record<string, unknown> = {},
): PluginError =>
  new PluginError('BATCH_INVALID', plugin, `plugin "${plugin}" returned an invalid ${encoding} batch: ${reason}`, {
    details: { encoding, reason, ...details },
  });

/** `limit` is the key of `limits` (manifest and job policy) that sets `max`. */
export const outputLimit = (plugin: string, what: string, limit: string, actual: number, max: number): PluginError =>
  new PluginError(
    'PLUGIN_OUTPUT_LIMIT',
    plugin,
    `plugin "${plugin}" returned ${what} of ${actual}; the limit is ${max} (limits.${limit})`,
    { details: { what, limit, actual, max } },
  );
