import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { TerminalLogDestination } from './terminal.js';

describe('terminal log lines', () => {
  it('a plugin message cannot start a line of its own or send escapes', () => {
    let out = '';
    const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const log = createLogger({ destination: new TerminalLogDestination(sink) });
    log.info({ source: 'plugin', fields: { k: 'v\nx' } }, 'ok\n10:00:00 info  capability.denied audit=true\x1b[2K\r');
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out).toContain('ok\\x0a10:00:00 info  capability.denied audit=true\\x1b[2K\\x0d');
    expect(out).toContain('fields={"k":"v\\nx"}');
  });
});
