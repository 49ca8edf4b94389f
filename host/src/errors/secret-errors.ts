import { HostError } from './host-error.js';

/**
 * A secret manager failed (unreachable, refused the login, malformed secret). The message
 * names the manager and the secret's key, never a value; the server's own text is kept
 * only in `cause`, which the CLI does not print.
 */
export class SecretManagerError extends HostError {
  constructor(code: SecretErrorCode, manager: string, key: string, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, 'host', `secret manager ${manager}: secret "${key}": ${message}`, {
      retryable: opts.retryable,
      cause: opts.cause,
      details: { manager, secret: key },
    });
  }
}

export type SecretErrorCode =
  | 'SECRET_MANAGER_UNREACHABLE'
  | 'SECRET_MANAGER_AUTH'
  | 'SECRET_MANAGER_FAILED'
  | 'SECRET_INVALID';
