/**
 * The plugin worker pool: how many booted workers it keeps. A one-shot process keeps
 * none (and may prestart the one it is about to use); an embedder keeps a spare.
 */
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../host/src/runtime/worker-pool.js';

describe('WorkerPool', () => {
  it('keeps a spare booting after each take by default', async () => {
    const pool = new WorkerPool(1);
    const worker = await pool.take();
    expect(pool.idle).toBe(1);
    await worker.terminate();
    await pool.drain();
    expect(pool.idle).toBe(0);
  });

  it('with keepSpares(0) boots nothing it does not hand out; prestart boots exactly the next one', async () => {
    const pool = new WorkerPool(1);
    pool.keepSpares(0);
    const first = await pool.take();
    expect(pool.idle).toBe(0);
    pool.prestart();
    expect(pool.idle).toBe(1);
    const second = await pool.take();
    expect(pool.idle).toBe(0);
    expect(second.threadId).not.toBe(first.threadId); // a worker serves one instance only
    await Promise.all([first.terminate(), second.terminate()]);
  });
});
