import { HostError, type HostErrorOptions } from '../errors/index.js';

/**
 * A target refused or failed an operation. Codes: TARGET_AUTH (credentials refused),
 * TARGET_NOT_FOUND (bucket or folder missing), TARGET_UNSAFE (a path under the target
 * is not what the host created: a symlink, a name outside the layout), TARGET_CORRUPT
 * (a commit manifest or lock that does not parse or names paths outside the layout),
 * RUN_LOCKED (another run of the job holds the target), TARGET_IO (anything else).
 */
export class TargetError extends HostError {
  constructor(code: string, message: string, opts?: HostErrorOptions) {
    super(code, 'host', message, opts);
  }
}
