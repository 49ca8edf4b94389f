import { pino, type Logger, type DestinationStream } from 'pino';
import { SecretScanner } from './secret-scan.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go (default: stderr, so stdout stays free for results). */
  destination?: DestinationStream;
  /** Fields on every line: tenant, job, stream, plugin ... */
  base?: Record<string, unknown>;
}

const SCANNER = Symbol('dativo.secretScanner');

/**
 * One pino logger per process or embedding; children add tenant/job/stream/plugin.
 * Every line it writes is scanned for the secret values registered with it (and its
 * children: pino children inherit from their parent's object).
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const scanner = new SecretScanner();
  const logger = pino(
    {
      level: opts.level ?? process.env.DATIVO_LOG_LEVEL ?? 'info',
      base: opts.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.secret', '*.password', '*.token', 'secretValue'], censor: '[redacted]' },
      hooks: { streamWrite: (line) => scanner.scan(line) },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
  Object.defineProperty(logger, SCANNER, { value: scanner });
  return logger;
}

/**
 * Secret values resolved for a run: no line of `logger` (or of its family) repeats them.
 * A logger not made by createLogger has no scanner; false then.
 */
export function registerSecretValues(logger: Logger, values: Iterable<string>): boolean {
  const scanner = (logger as unknown as Record<symbol, SecretScanner | undefined>)[SCANNER];
  scanner?.add(values);
  return scanner !== undefined;
}

/** An audit record is a log record with `audit: true` and an `event` name. */
export function audit(logger: Logger, event: string, fields: Record<string, unknown>): void {
  logger.info({ ...fields, audit: true, event }, event); // host keys last: never overridden
}

/** Collects JSON log lines in memory: for embedding (CI) and for tests. */
export class MemoryLogDestination implements DestinationStream {
  readonly records: Record<string, unknown>[] = [];
  write(line: string): void {
    for (const part of line.split('\n')) if (part.trim()) this.records.push(JSON.parse(part) as Record<string, unknown>);
  }
  audits(event?: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.audit === true && (event === undefined || r.event === event));
  }
}
