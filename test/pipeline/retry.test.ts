/** Transient plugin errors are retried with backoff honouring retry-after; terminal ones are not. */
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { fixture, writeManifest } from '../helpers/fixtures.js';
import { jobWorkspace, parquetFiles } from '../helpers/job.js';

const failingJob = (retryable: boolean) => {
  const probe = writeManifest(fixture('rust', 'probe-reader'), { name: 'flaky-source' });
  const ws = jobWorkspace(0);
  ws.writeJob({
    source: { plugin: probe, objects: ['orders'], config: { action: 'fail', kind: 'rate-limited', code: 'HTTP_429', message: 'slow down', retryable, retry_after_ms: 120 } },
    retries: { max_attempts: 3, base_delay_ms: 10 },
  });
  return ws;
};

describe('retries in a run', () => {
  it('retries a retryable plugin error with backoff of at least retry-after, then fails with its code', async () => {
    const ws = failingJob(true);
    const logs = new MemoryLogDestination();
    const started = Date.now();
    const err = await runJob(ws.jobFile, { logger: createLogger({ destination: logs }) }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('PLUGIN_RATE_LIMITED');
    const retries = logs.records.filter((r) => String(r.msg).includes('retrying'));
    expect(retries).toHaveLength(2);
    for (const r of retries) expect(Number(r.delayMs)).toBeGreaterThanOrEqual(120);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(parquetFiles(ws.out)).toEqual([]);
  });

  it('does not retry a terminal plugin error', async () => {
    const ws = failingJob(false);
    const logs = new MemoryLogDestination();
    const err = await runJob(ws.jobFile, { logger: createLogger({ destination: logs }) }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('PLUGIN_RATE_LIMITED');
    expect(logs.records.filter((r) => String(r.msg).includes('retrying'))).toHaveLength(0);
  });
});
