/**
 * Errors of subprocess engines (Singer taps, Airbyte sources), as PluginErrors so the
 * pipeline treats them as it treats a reader plugin's: `retryable` decides a reopen.
 */
import { PluginError } from './plugin-errors.js';

/** Codes: ENGINE_EXIT, ENGINE_TIMEOUT, ENGINE_IDLE_TIMEOUT, ENGINE_MESSAGE_INVALID, ENGINE_OUTPUT_LIMIT,
 * ENGINE_TRANSIENT_ERROR, ENGINE_CONFIG_ERROR, ENGINE_SYSTEM_ERROR, ENGINE_CHECK_FAILED,
 * ENGINE_STREAM_NOT_FOUND, ENGINE_NOT_INSTALLED, ENGINE_SCHEMA_CHANGED. */
export const engineError = (code: string, engine: string, message: string, details: Record<string, unknown> = {}, retryable = false): PluginError =>
  new PluginError(code, engine, `${engine}: ${message}`, { retryable, details: { engine, ...details } });

/** How an engine process ended badly: a non-zero exit, a signal, or a kill by the host. */
export function engineExitError(engine: string, exit: { code: number | null; signal: string | null; killed?: 'timeout' | 'idle'; stderrTail: string[] }, limits: { wallClockMs: number; idleTimeoutMs: number }): PluginError {
  const tail = exit.stderrTail.slice(-10);
  const last = tail.length ? `; its last stderr lines:\n${tail.join('\n')}` : '';
  if (exit.killed === 'timeout') {
    return engineError('ENGINE_TIMEOUT', engine, `killed after ${limits.wallClockMs} ms in all (engine_config.timeout_ms)${last}`, { stderrTail: tail });
  }
  if (exit.killed === 'idle') {
    return engineError('ENGINE_IDLE_TIMEOUT', engine, `killed: no output for ${limits.idleTimeoutMs} ms (engine_config.idle_timeout_ms)${last}`, { stderrTail: tail });
  }
  const how = exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
  return engineError('ENGINE_EXIT', engine, `${how}${last}`, { exitCode: exit.code, signal: exit.signal, stderrTail: tail });
}
