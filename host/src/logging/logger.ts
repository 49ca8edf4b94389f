import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go (default: stderr, so stdout stays free for results). */
  destination?: DestinationStream;
  /** Fields on every line: tenant, job, stream, plugin ... */
  base?: Record<string, unknown>;
}

/** One pino logger per process or embedding; children add tenant/job/stream/plugin. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.DATIVO_LOG_LEVEL ?? 'info',
      base: opts.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.secret', '*.password', '*.token', 'secretValue'], censor: '[redacted]' },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** An audit record is a log record with `audit: true` and an `event` name. */
export function audit(logger: Logger, event: string, fields: Record<string, unknown>): void {
  logger.info({ audit: true, event, ...fields }, event);
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
