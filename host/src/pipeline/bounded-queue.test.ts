import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('keeps the bytes held under the bound: the producer waits for the consumer', async () => {
    const q = new BoundedQueue<number>(100);
    const pushed: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        await q.push(i, 40);
        pushed.push(i);
      }
      q.close();
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(pushed).toEqual([0, 1]); // a third 40-byte item would exceed 100
    const got: number[] = [];
    for (let x = await q.shift(); x !== undefined; x = await q.shift()) got.push(x);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.peakBytes).toBeLessThanOrEqual(100);
  });
  it('admits one oversized item into an empty queue instead of deadlocking', async () => {
    const q = new BoundedQueue<string>(10);
    await q.push('big', 1000);
    expect(await q.shift()).toBe('big');
  });
  it('hands the producer failure to the consumer', async () => {
    const q = new BoundedQueue<number>(10);
    q.fail(new Error('reader broke'));
    await expect(q.shift()).rejects.toThrow('reader broke');
  });
  it('takes nothing once the consumer closed it: a waiting or later push returns false', async () => {
    const q = new BoundedQueue<number>(10);
    expect(await q.push(1, 10)).toBe(true);
    const waiting = q.push(2, 10); // no room: waits
    q.close();
    expect(await waiting).toBe(false);
    expect(await q.push(3, 1)).toBe(false);
    expect(await q.shift()).toBe(1);
    expect(await q.shift()).toBeUndefined();
  });
});
