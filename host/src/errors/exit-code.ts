import type { HostError } from './host-error.js';

/**
 * The CLI's exit code for a failure: 2 when the user's configuration must change (a config
 * file, or a plugin's PLUGIN_CONFIG refusal of the job's config), 1 when the work failed.
 */
export const exitCodeOf = (e: HostError): 1 | 2 => (e.origin === 'config' || e.code === 'PLUGIN_CONFIG' ? 2 : 1);
