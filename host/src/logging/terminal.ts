import type { DestinationStream } from 'pino';

const COLORS: Record<string, string> = { trace: '90', debug: '90', info: '36', warn: '33', error: '31', fatal: '31' };
const SKIP = new Set(['level', 'time', 'msg', 'tenant', 'job', 'run', 'err']);

/**
 * Control characters (newlines, carriage returns, ANSI escapes) shown escaped: a message or
 * field a plugin wrote can neither start a line of its own nor repaint one.
 */
export const printable = (s: string): string =>
  s.replace(/[\x00-\x1f\x7f\x9b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Human-readable log lines for a terminal: time, level, message, then the fields that matter. */
export class TerminalLogDestination implements DestinationStream {
  constructor(private readonly out: NodeJS.WritableStream = process.stderr, private readonly beforeWrite?: () => void) {}

  write(line: string): void {
    for (const part of line.split('\n')) {
      if (!part.trim()) continue;
      const r = JSON.parse(part) as Record<string, unknown>;
      const level = String(r.level);
      const time = String(r.time ?? '').slice(11, 19);
      const fields = Object.entries(r)
        .filter(([k]) => !SKIP.has(k))
        .map(([k, v]) => printable(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`))
        .join(' ');
      const err = r.err as { message?: string } | undefined;
      this.beforeWrite?.();
      this.out.write(`\x1b[2m${time}\x1b[0m \x1b[${COLORS[level] ?? '0'}m${level.padEnd(5)}\x1b[0m ${printable(String(r.msg ?? ''))}${err?.message ? `: ${printable(err.message)}` : ''} \x1b[2m${fields}\x1b[0m\n`);
    }
  }
}
