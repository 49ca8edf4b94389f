/** Structured logging through the host's `log` import (the plugin's name is added by the host). */
import { log as hostLog } from 'dativo:plugin/log@0.1.0';
import type { LogLevel } from './types.js';

export type LogFields = Record<string, string | number | boolean | bigint | null | undefined>;

function emit(level: LogLevel, message: string, fields?: LogFields): void {
  const tuples: Array<[string, string]> = [];
  if (fields) for (const k in fields) {
    const v = fields[k];
    if (v !== undefined) tuples.push([k, String(v)]);
  }
  hostLog(level, message, tuples);
}

export const log = {
  trace: (message: string, fields?: LogFields) => emit('trace', message, fields),
  debug: (message: string, fields?: LogFields) => emit('debug', message, fields),
  info: (message: string, fields?: LogFields) => emit('info', message, fields),
  warn: (message: string, fields?: LogFields) => emit('warn', message, fields),
  error: (message: string, fields?: LogFields) => emit('error', message, fields),
};
