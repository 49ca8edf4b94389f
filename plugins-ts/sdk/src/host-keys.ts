/**
 * Keys the host adds to a reader's config beside the plugin's own settings: `incremental`
 * (the job's source.incremental). The SDK takes them out of the config a plugin parses,
 * unless its config schema names them under `properties` (a plugin that reads them as its
 * own setting), and hands the incremental settings over as `OpenRequest.incremental`.
 */
import { PluginError } from './errors.js';

export const HOST_KEYS = ['incremental'] as const;

/** The job's source.incremental block (docs/jobs.md), as the host passes it. */
export interface Incremental {
  /** cursor or file_mtime (a full_refresh job sends no incremental block). */
  strategy: string;
  cursor_field?: string;
  lookback?: string;
  [key: string]: unknown;
}

function declaredKeys(schema: object | string): Set<string> {
  let s: unknown = schema;
  if (typeof schema === 'string') {
    try {
      s = JSON.parse(schema);
    } catch {
      s = {};
    }
  }
  const props = (s as { properties?: unknown } | null)?.properties;
  return new Set(props && typeof props === 'object' ? Object.keys(props) : []);
}

/** The plugin's own config value and the incremental settings, from the parsed config JSON. */
export function splitHostKeys(value: unknown, schema: object | string): { own: unknown; incremental?: Incremental } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { own: value };
  const record = value as Record<string, unknown>;
  const declared = declaredKeys(schema);
  const inc = record.incremental;
  const valid = inc !== null && typeof inc === 'object' && typeof (inc as Incremental).strategy === 'string';
  // A declared key is the plugin's own setting, in its own shape (rest-api-reader: cursor_field, param).
  if (inc !== undefined && inc !== null && !valid && !declared.has('incremental')) {
    throw PluginError.config('invalid incremental settings: an object with a strategy is expected');
  }
  const own = { ...record };
  for (const key of HOST_KEYS) if (!declared.has(key)) delete own[key];
  return { own, incremental: valid ? (inc as Incremental) : undefined };
}
