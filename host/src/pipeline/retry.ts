import { isHostError } from '../errors/index.js';

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The delay before attempt `attempt + 1`: exponential backoff with full jitter, never shorter than retry-after. */
export function backoffDelay(attempt: number, error: unknown, opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const cap = opts.maxDelayMs ?? 60_000;
  const exp = Math.min(cap, opts.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + (opts.random ?? Math.random)() * (exp / 2);
  const retryAfter = isHostError(error) ? Number(error.details.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}

/** Runs `fn`, retrying errors marked retryable (transient) up to maxAttempts in all. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isHostError(e) || !e.retryable || attempt >= opts.maxAttempts) throw e;
      const delay = backoffDelay(attempt, e, opts);
      opts.onRetry?.(attempt, delay, e);
      await sleep(delay);
    }
  }
}
