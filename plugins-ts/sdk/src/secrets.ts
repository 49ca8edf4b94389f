/** Secrets the manifest declares, resolved by the host (audited, never logged). */
import { get } from 'dativo:plugin/secrets@0.1.0';
import { toPluginError } from './errors.js';

/**
 * The value of a declared secret. A refusal (undeclared name, or no value in the job's
 * secret manager) is thrown as the host's plugin-error record (kind `auth`), ready to
 * be returned from an export as is.
 */
export function secret(name: string): string {
  try {
    return get(name);
  } catch (e) {
    throw toPluginError(e);
  }
}
