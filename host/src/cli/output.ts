import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import { TerminalLogDestination } from '../logging/terminal.js';
import { formatProgress, type Progress } from '../pipeline/progress.js';

/**
 * What a command prints: on a terminal, readable logs and a progress line that
 * rewrites itself; otherwise pino JSON on stderr. Results go to stdout.
 */
export interface Output {
  logger: Logger;
  progress(p: Progress): void;
  done(): void;
}

export function createOutput(): Output {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  };
  const logger = tty ? createLogger({ destination: new TerminalLogDestination(process.stderr, clear) }) : createLogger();
  let last = 0;
  return {
    logger,
    progress(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${formatProgress(p)}`);
      shown = true;
    },
    done: clear,
  };
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`);
};
