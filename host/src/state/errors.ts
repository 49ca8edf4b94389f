import { HostError, type HostErrorOptions } from '../errors/index.js';

/**
 * The state backend failed. Codes: STATE_AUTH (credentials refused), STATE_UNAVAILABLE
 * (cannot reach it; retryable), STATE_IO (anything else).
 */
export class StateError extends HostError {
  constructor(code: string, message: string, opts?: HostErrorOptions) {
    super(code, 'host', message, opts);
  }
}
