import { describe, expect, it } from 'vitest';
import { HostError } from '../errors/index.js';
import { backoffDelay, withRetry } from './retry.js';

const transient = (retryAfterMs?: number) => new HostError('PLUGIN_RATE_LIMITED', 'plugin', 'slow down', { retryable: true, details: { retryAfterMs } });

describe('retries', () => {
  it('retries transient errors with growing, jittered delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw transient();
        return 'ok';
      },
      { maxAttempts: 5, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms), random: () => 1 },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([100, 200, 400]);
  });
  it('honours retry-after when it is longer than the backoff', () => {
    expect(backoffDelay(1, transient(5000), { baseDelayMs: 100, random: () => 0 })).toBe(5000);
    expect(backoffDelay(3, transient(10), { baseDelayMs: 100, random: () => 0 })).toBe(200);
  });
  it('does not retry terminal errors, and gives up after maxAttempts', async () => {
    let calls = 0;
    const terminal = new HostError('CONFIG_INVALID', 'config', 'bad');
    await expect(withRetry(async () => { calls++; throw terminal; }, { maxAttempts: 3, baseDelayMs: 1 })).rejects.toBe(terminal);
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw transient(); }, { maxAttempts: 3, baseDelayMs: 1, sleep: async () => {} })).rejects.toMatchObject({ code: 'PLUGIN_RATE_LIMITED' });
    expect(calls).toBe(3);
  });
});
