/**
 * Airbyte protocol messages the host acts on: STATE (STREAM, GLOBAL, LEGACY) as the state
 * file the next read takes, TRACE ERROR's failure_type as retryable or terminal.
 */
import type { PluginError } from '../../errors/plugin-errors.js';
import { engineError } from '../../errors/engine-errors.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/**
 * The checkpoint a STATE message gives `stream`: the JSON of the state file a read resumes
 * from (a list of per-stream or global state messages, or a legacy state object), or
 * undefined when the message is another stream's.
 */
export function checkpointOf(state: Obj, stream: string): string | undefined {
  const type = state.type ?? (state.data !== undefined ? 'LEGACY' : undefined);
  if (type === 'STREAM') {
    const s = obj(state.stream);
    const name = obj(s?.stream_descriptor)?.name;
    return name === stream ? JSON.stringify([state]) : undefined;
  }
  if (type === 'GLOBAL') return JSON.stringify([state]);
  if (type === 'LEGACY') return JSON.stringify(state.data ?? {});
  return undefined;
}

/** TRACE ERROR -> a typed error: transient_error is retryable; config_error and system_error are not. */
export function traceError(engine: string, trace: Obj): PluginError {
  const error = obj(trace.error) ?? {};
  const type = String(error.failure_type ?? 'system_error');
  const message = String(error.message ?? error.internal_message ?? 'no message');
  const details = { failureType: type, internalMessage: error.internal_message === undefined ? undefined : String(error.internal_message).slice(0, 2000) };
  if (type === 'transient_error') return engineError('ENGINE_TRANSIENT_ERROR', engine, `transient error: ${message}`, details, true);
  if (type === 'config_error') return engineError('ENGINE_CONFIG_ERROR', engine, `config error: ${message}`, details);
  return engineError('ENGINE_SYSTEM_ERROR', engine, `${type}: ${message}`, details);
}

export { obj };
