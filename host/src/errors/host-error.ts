/**
 * Typed errors of the host, on two axes: terminal vs transient (`retryable`) and
 * who failed (`origin`: the host, a plugin, or the plugin's sandbox).
 * Every error has a stable `code` that scripts and the CLI's --json output can rely on.
 */
export type ErrorOrigin = 'host' | 'plugin' | 'sandbox' | 'config';

export interface HostErrorOptions {
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class HostError extends Error {
  readonly code: string;
  readonly origin: ErrorOrigin;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, origin: ErrorOrigin, message: string, opts: HostErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.origin = origin;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      origin: this.origin,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/** A file the host reads (job, manifest, recipe, contract) is missing or invalid. */
export class ConfigError extends HostError {
  constructor(code: string, message: string, opts?: HostErrorOptions) {
    super(code, 'config', message, opts);
  }
}

export const isHostError = (e: unknown): e is HostError => e instanceof HostError;
