import { describe, expect, it } from 'vitest';
import { queueBytesPerStream, runParallel, streamParallelism } from './parallel-streams.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('runParallel', () => {
  it('runs at most `limit` at once and keeps the results in order', async () => {
    let running = 0;
    let peak = 0;
    const out = await runParallel([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('the first failure aborts the running ones, starts no other, and is the one thrown', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const err = await runParallel([0, 1, 2, 3], 2, async (i, signal) => {
      started.push(i);
      if (i === 1) {
        await tick();
        throw new Error('first');
      }
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted.push(i);
      throw new Error(`consequence ${i}`);
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('first');
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });
});

describe('stream parallelism', () => {
  it('is the job setting, else the cores, never more than the streams, at least 1', () => {
    expect(streamParallelism(8, 3)).toBe(3);
    expect(streamParallelism(2, 5)).toBe(2);
    expect(streamParallelism(undefined, 1)).toBe(1);
    expect(streamParallelism(undefined, 0)).toBe(1);
  });

  it('shares the queue budget between the streams running at once', () => {
    expect(queueBytesPerStream(8 * 2 ** 20, 4)).toBe(2 * 2 ** 20);
    expect(queueBytesPerStream(3, 4)).toBe(1);
  });
});
