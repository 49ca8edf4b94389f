/**
 * A run's streams side by side: at most `limit` at a time, each with its own reader and
 * queue. The first failure aborts the others (their signal fires: they stop reading and
 * close their readers) and starts no new stream; the run then waits for every started
 * stream to settle, so that nothing is still writing when the run's output is aborted.
 */
import { availableParallelism } from 'node:os';

/** Streams run at once: the job's max_parallel_streams, else the cores; never more than the streams. */
export function streamParallelism(maxParallel: number | undefined, streams: number): number {
  return Math.max(1, Math.min(maxParallel ?? availableParallelism(), streams));
}

/**
 * The bytes each running stream's queue may hold: the job's queue_max_bytes is the budget
 * of the whole run, shared by the streams that run at once (a queue always admits one
 * batch, see BoundedQueue).
 */
export const queueBytesPerStream = (queueMaxBytes: number, parallel: number): number => Math.max(1, Math.floor(queueMaxBytes / parallel));

/** Results in the order of `items`; throws the first failure once every started item settled. */
export async function runParallel<T, R>(items: readonly T[], limit: number, run: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  const abort = new AbortController();
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await run(items[i]!, abort.signal);
      } catch (e) {
        // A stream stopped by the abort fails too: only the first error is the run's.
        if (!failure) {
          failure = { error: e };
          abort.abort(e);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}
