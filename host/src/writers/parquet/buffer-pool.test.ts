import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('reuses a spare buffer large enough, and allocates (with headroom) when none is', () => {
    const pool = new BufferPool(2);
    const first = pool.take(1000);
    expect(first.byteLength).toBe(1000);
    expect(first.buffer.byteLength).toBeGreaterThan(1000);
    pool.put(first.buffer as ArrayBuffer);
    const again = pool.take(1010); // fits the headroom
    expect(again.buffer).toBe(first.buffer);
    expect(again.byteLength).toBe(1010);
    expect(pool.spare).toBe(0);
    const bigger = pool.take(5000);
    expect(bigger.buffer).not.toBe(first.buffer);
  });

  it('keeps at most maxSpare buffers and ignores detached ones', () => {
    const pool = new BufferPool(2);
    for (let i = 0; i < 5; i++) pool.put(new ArrayBuffer(10));
    expect(pool.spare).toBe(2);
    const detached = new ArrayBuffer(10);
    structuredClone(detached, { transfer: [detached] });
    new BufferPool().put(detached);
    const p = new BufferPool();
    p.put(detached);
    expect(p.spare).toBe(0);
  });
});
