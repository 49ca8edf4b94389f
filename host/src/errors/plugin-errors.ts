import { toHostPaths, type Mount } from './guest-paths.js';
import { HostError, type HostErrorOptions } from './host-error.js';

/** Errors raised by, or about, a plugin instance. */
export class PluginError extends HostError {
  readonly plugin: string;
  constructor(code: string, plugin: string, message: string, opts: HostErrorOptions = {}) {
    super(code, 'plugin', message, { ...opts, details: { plugin, ...opts.details } });
    this.plugin = plugin;
  }
}

/** The plugin returned a plugin-error value through the contract. */
export class PluginReportedError extends PluginError {
  readonly kind: PluginErrorKind;
  readonly pluginCode: string;
  readonly retryAfterMs: number | undefined;
  /** `mounts`: the instance's filesystem grants; the message names their host paths. */
  constructor(plugin: string, e: WitPluginError, mounts: readonly Mount[] = []) {
    const retryAfterMs = e.retryAfterMs === undefined ? undefined : Number(e.retryAfterMs);
    const message = toHostPaths(e.message, mounts);
    super(`PLUGIN_${e.kind.toUpperCase().replace(/-/g, '_')}`, plugin, `plugin "${plugin}" failed: [${e.code}] ${message}`, {
      retryable: e.retryable,
      details: { kind: e.kind, pluginCode: e.code, retryAfterMs, ...(message === e.message ? {} : { guestMessage: e.message }) },
    });
    this.kind = e.kind;
    this.pluginCode = e.code;
    this.retryAfterMs = retryAfterMs;
  }
}

export type PluginErrorKind = 'config' | 'auth' | 'connection' | 'rate-limited' | 'data' | 'not-supported' | 'internal';

/** The plugin-error record of wit/types.wit as jco hands it to JavaScript. */
export interface WitPluginError {
  kind: PluginErrorKind;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: bigint | number | undefined;
}

export const pluginTimeout = (plugin: string, call: string, timeoutMs: number): PluginError =>
  new PluginError('PLUGIN_TIMEOUT', plugin, `plugin "${plugin}" did not return from ${call} within ${timeoutMs} ms; its worker was terminated`, {
    details: { call, timeoutMs },
  });

export const pluginMemoryLimit = (plugin: string, call: string, limitMb: number, evidence: string): PluginError =>
  new PluginError('PLUGIN_MEMORY_LIMIT', plugin, `plugin "${plugin}" exceeded its memory limit of ${limitMb} MB during ${call} (${evidence})`, {
    details: { call, limitMb, evidence },
  });

export const pluginTrap = (plugin: string, call: string, message: string, stderrTail?: string): PluginError =>
  new PluginError('PLUGIN_TRAP', plugin, `plugin "${plugin}" trapped during ${call}: ${message}`, {
    details: { call, trap: message, ...(stderrTail ? { stderrTail } : {}) },
  });

export const batchTooLarge = (plugin: string, bytes: number, limit: number): PluginError =>
  new PluginError('PLUGIN_BATCH_TOO_LARGE', plugin, `plugin "${plugin}" returned a batch of ${bytes} bytes; the limit is ${limit} bytes (limits.max_batch_bytes)`, {
    details: { bytes, limit },
  });

export const contractMismatch = (plugin: string, found: string, supported: string): PluginError =>
  new PluginError(
    'PLUGIN_CONTRACT_MISMATCH',
    plugin,
    `plugin "${plugin}" was built for contract dativo:plugin@${found}; this host supports dativo:plugin@${supported}`,
    { details: { found, supported } },
  );

export const pluginCrashed = (plugin: string, message: string): PluginError =>
  new PluginError('PLUGIN_CRASHED', plugin, `plugin "${plugin}" worker exited: ${message}`);
