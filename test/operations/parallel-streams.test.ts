/** A job's streams run side by side, commit all or nothing, and a failure stops every reader. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { RunMetrics } from '../../host/src/observability/metrics.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readRows } from '../helpers/job.js';
import { peakOverlap, streamIntervals, streamsWorkspace } from './streams-workspace.js';

const ROWS = 100_000;

const run = async (job: string, metrics?: RunMetrics) => {
  const logs = new MemoryLogDestination();
  const result = await runJob(job, { logger: createLogger({ destination: logs, level: 'debug' }), metrics }).then(
    (summary) => ({ summary, error: undefined }),
    (error: { code?: string }) => ({ summary: undefined, error }),
  );
  return { ...result, logs };
};

/** The sum of a prom-client metric's samples (`series`: e.g. name_count) matching `labels`. */
async function sample(metrics: RunMetrics, name: string, series: string, labels: Record<string, string>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const matching = (metric?.values ?? []).filter((v) => v.metricName === series && Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return matching.reduce((n, v) => n + v.value, 0);
}

/** Every file under the job's out/ and state/ folders, with a digest of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const top of ['out', 'state']) {
    const root = join(dir, top);
    if (!existsSync(root)) continue;
    for (const rel of readdirSync(root, { recursive: true }) as string[]) {
      const p = join(root, rel);
      if (statSync(p).isFile()) files[`${top}/${rel}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  }
  return files;
}

describe('parallel streams', () => {
  it('runs 4 streams at once with max_parallel_streams: 4, and one after another with 1', async () => {
    const ws = streamsWorkspace(4);
    for (const s of ws.streams) ws.writeCsv(s, ROWS);
    ws.writeJob({ max_parallel_streams: 4 });
    const parallel = await run(ws.job);
    expect(parallel.error).toBeUndefined();
    const intervals = streamIntervals(parallel.logs.records);
    expect([...intervals.keys()].sort()).toEqual(ws.streams);
    // Every stream started before any ended.
    expect(peakOverlap(intervals.values())).toBe(4);
    const rows = readRows(ws.out);
    expect(rows.length).toBe(4 * ROWS);
    expect(new Set(rows.map((r) => r.name)).size).toBe(4 * ROWS);

    ws.writeJob({ max_parallel_streams: 1 });
    const sequential = await run(ws.job);
    expect(sequential.error).toBeUndefined();
    expect(peakOverlap(streamIntervals(sequential.logs.records).values())).toBe(1);
  });

  it('defaults to the cores, never more than the streams', async () => {
    const ws = streamsWorkspace(4);
    for (const s of ws.streams) ws.writeCsv(s, 10);
    ws.writeJob();
    const { error, logs } = await run(ws.job);
    expect(error).toBeUndefined();
    const started = logs.records.find((r) => r.msg === 'run started');
    expect(started?.parallelStreams).toBe(Math.min(availableParallelism(), 4));
  });

  it('commits nothing when one stream fails mid-way: the target and the state keep the last run', async () => {
    const ws = streamsWorkspace(4);
    for (const s of ws.streams) ws.writeCsv(s, ROWS);
    ws.writeJob({ max_parallel_streams: 4, source: { config: { batch_rows: 1000 } } });
    expect((await run(ws.job)).error).toBeUndefined();
    const before = snapshot(ws.dir);
    expect(readRows(ws.out).length).toBe(4 * ROWS);

    // s3 breaks two thirds of the way: s1, s2 and s4 have written files by then.
    ws.writeCsv('s3', ROWS, [Math.floor((ROWS * 2) / 3)]);
    const failed = await run(ws.job);
    // Every file of the target (data, manifests) and of the state is as the first run left it.
    expect(snapshot(ws.dir)).toEqual(before);
    expect(failed.error?.code).toBe('DATA_VALIDATION_FAILED');
    expect(readRows(ws.out).length).toBe(4 * ROWS);
    expect(failed.logs.records.some((r) => r.msg === 'run failed; nothing was committed')).toBe(true);
  });

  it('a failure in one stream stops the others: no other reader reads on to the end of its file', async () => {
    const ws = streamsWorkspace(4);
    // The others are long enough that none can reach its end while s2 starts up and fails
    // on its first batch, even on a loaded machine (400 k rows did once, under CI load).
    for (const s of ws.streams) ws.writeCsv(s, 1_500_000);
    ws.writeCsv('s2', 1_500_000, [1]);
    ws.writeJob({ max_parallel_streams: 4, source: { config: { batch_rows: 1000 } } });
    const { error, logs } = await run(ws.job);
    expect(error?.code).toBe('DATA_VALIDATION_FAILED');
    // csv-reader logs "stream read" when an extraction reaches the end of its stream.
    expect(logs.records.filter((r) => String(r.msg).includes('stream read')).map((r) => r.stream)).toEqual([]);
    expect(logs.records.filter((r) => r.msg === 'stream done').map((r) => r.stream)).toEqual([]);
  });

  it('a strict failure on the first batch of a large source stops its reader after a few batches', async () => {
    const ws = streamsWorkspace(1);
    ws.writeCsv('s1', 200_000, [1]); // 200 batches of 1000 rows
    // A queue of ~5 batches: the reader may read that far ahead of the failing check, no further.
    ws.writeJob({ queue_max_bytes: 100_000, source: { config: { batch_rows: 1000 } } });
    const metrics = new RunMetrics();
    const { error } = await run(ws.job, metrics);
    expect(error?.code).toBe('DATA_VALIDATION_FAILED');
    const labels = { tenant: 'acme', job_name: 'ops', stream: 's1', call: 'extraction.next' };
    const nextCalls = await sample(metrics, 'dativo_plugin_call_duration_seconds', 'dativo_plugin_call_duration_seconds_count', labels);
    expect(nextCalls).toBeGreaterThanOrEqual(1);
    expect(nextCalls).toBeLessThanOrEqual(12);
  });
});
