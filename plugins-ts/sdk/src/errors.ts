/**
 * The contract's plugin-error record, built per kind. Throw what these return: an export
 * returning result<T, plugin-error> turns a thrown plugin-error record into its err
 * value. (A thrown Error instance is not an err result: componentize-js lets it escape
 * and the component traps. defineReader/defineWriter convert stray exceptions into
 * `internal` errors so that does not happen by accident.)
 */
import type { ErrorKind, PluginErrorRecord } from './types.js';

export interface ErrorOptions {
  /** Stable machine-readable code; each kind has a default. */
  code?: string;
  /** Overrides the kind's default retryable flag. */
  retryable?: boolean;
}

function make(kind: ErrorKind, defaultCode: string, defaultRetryable: boolean, message: string, opts: ErrorOptions = {}): PluginErrorRecord {
  return { kind, code: opts.code ?? defaultCode, message, retryable: opts.retryable ?? defaultRetryable };
}

export const PluginError = {
  /** The config is invalid (terminal). */
  config: (message: string, opts?: ErrorOptions) => make('config', 'CONFIG_INVALID', false, message, opts),
  /** Credentials are missing or refused (terminal). */
  auth: (message: string, opts?: ErrorOptions) => make('auth', 'AUTH_FAILED', false, message, opts),
  /** The source or destination could not be reached (transient). */
  connection: (message: string, opts?: ErrorOptions) => make('connection', 'CONNECTION_FAILED', true, message, opts),
  /** The remote side asks us to slow down (transient); the host may wait retryAfterMs. */
  rateLimited: (message: string, retryAfterMs?: number, opts?: ErrorOptions): PluginErrorRecord => {
    const e = make('rate-limited', 'RATE_LIMITED', true, message, opts);
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) e.retryAfterMs = BigInt(Math.ceil(retryAfterMs));
    return e;
  },
  /** The data is malformed (terminal). */
  data: (message: string, opts?: ErrorOptions) => make('data', 'DATA_INVALID', false, message, opts),
  /** The plugin does not do what was asked (terminal). */
  notSupported: (message: string, opts?: ErrorOptions) => make('not-supported', 'NOT_SUPPORTED', false, message, opts),
  /** A bug or an unexpected state (terminal). */
  internal: (message: string, opts?: ErrorOptions) => make('internal', 'INTERNAL', false, message, opts),
} as const;

const KINDS: readonly string[] = ['config', 'auth', 'connection', 'rate-limited', 'data', 'not-supported', 'internal'];

/** True for a plugin-error record (what PluginError.* returns). */
export function isPluginError(value: unknown): value is PluginErrorRecord {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && KINDS.includes(v.kind) && typeof v.code === 'string' && typeof v.message === 'string' && typeof v.retryable === 'boolean';
}

/**
 * Any thrown value as a plugin-error record: a record passes through, an import's
 * ComponentError (which carries the record as `payload`) is unwrapped, anything else
 * becomes `internal` with its message.
 */
export function toPluginError(e: unknown): PluginErrorRecord {
  if (isPluginError(e)) return e;
  if (e !== null && typeof e === 'object' && isPluginError((e as { payload?: unknown }).payload)) return (e as { payload: PluginErrorRecord }).payload;
  const message = e instanceof Error ? e.message : String(e);
  return PluginError.internal(message || 'unknown error', { code: 'UNCAUGHT' });
}
