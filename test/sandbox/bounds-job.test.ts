/**
 * The output bounds in a run (issue 11, items 6 and 10): a reader's bomb fails the run with
 * its typed code and nothing is committed; a malformed Arrow batch gives `run --json` an
 * error object (BATCH_INVALID), not an internal error.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { fixture, writeManifest } from '../helpers/fixtures.js';
import { jobWorkspace, parquetFiles } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

const probeJob = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const probe = writeManifest(fixture('rust', 'probe-reader'), { name: 'bomb-source' });
  const ws = jobWorkspace(0);
  ws.writeJob({ source: { plugin: probe, objects: ['orders'], config }, retries: { max_attempts: 1, base_delay_ms: 10 }, ...extra });
  return ws;
};

describe('output bombs in a run (rust probe as the source)', () => {
  it('a batch with no columns claiming 2 M rows fails the run (max_batch_rows), even in warn mode, and commits nothing', async () => {
    const ws = probeJob({ action: 'ipc-rows', rows: 2_000_000 }, { schema_validation_mode: 'warn' });
    const err = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) }).then(() => undefined, (e) => e);
    expect(err).toMatchObject({ code: 'PLUGIN_OUTPUT_LIMIT', details: expect.objectContaining({ limit: 'max_batch_rows', actual: 2_000_000 }) });
    expect(parquetFiles(ws.out)).toEqual([]);
  });

  it('the job policy lowers a bound: max_batch_expanded_bytes', async () => {
    const ws = probeJob({ action: 'ipc-rows', rows: 100_000 }, { schema_validation_mode: 'warn', policy: { limits: { max_batch_expanded_bytes: 1_000_000 } } });
    const err = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) }).then(() => undefined, (e) => e);
    // 100,000 rows x 8 bytes x the contract's 8 columns: 6.4 MB estimated.
    expect(err).toMatchObject({ code: 'PLUGIN_OUTPUT_LIMIT', details: expect.objectContaining({ limit: 'max_batch_expanded_bytes', actual: 6_400_000, max: 1_000_000 }) });
  });

  it.each(['ipc-garbage', 'ipc-compressed', 'ipc-out-of-range'])('%s: run --json prints a BATCH_INVALID error object, exit 1', (action) => {
    const ws = probeJob({ action });
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { status: string; error: { code: string; details: Record<string, unknown> } };
    expect(out).toMatchObject({ status: 'failed', error: { code: 'BATCH_INVALID', details: { encoding: 'arrow-ipc-stream', plugin: 'bomb-source' } } });
    expect(parquetFiles(ws.out)).toEqual([]);
  });
});
