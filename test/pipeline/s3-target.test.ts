/**
 * The S3 target against a real S3-compatible server on loopback (s3rver), through the
 * AWS SDK: staged multipart uploads, commit manifest, copy into place, recovery.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { REPO } from '../helpers/fixtures.js';
import { S3RVER_CREDS, startS3rver, type S3rverFixture } from '../helpers/s3rver.js';
import { jobWorkspace } from '../helpers/job.js';

const CREDS = S3RVER_CREDS;
let s3rver: S3rverFixture;
let endpoint: string;
let s3: S3Client;

beforeAll(async () => {
  s3rver = await startS3rver();
  ({ endpoint, s3 } = s3rver);
});
afterAll(() => s3rver.close());

const keys = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
const orderIds = async (prefix: string) => {
  const ids: number[] = [];
  for (const key of (await keys(prefix)).filter((k) => k.endsWith('.parquet') && !k.includes('/_dativo/'))) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }))).Body!.transformToByteArray();
    ids.push(...Array.from(tableFromIPC(readParquet(body).intoIPCStream()).getChild('order_id')!.toArray() as ArrayLike<bigint>, Number));
  }
  return ids.sort((a, b) => a - b);
};
const s3Job = (rows: number, prefix: string) => {
  const ws = jobWorkspace(rows);
  ws.writeJob({
    target_connector: 's3',
    source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 2000 }, incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
    target: { connection: { s3: { bucket: 'lake', prefix, endpoint, region: 'us-east-1' } }, parquet_target_size_mb: 0.2 },
  });
  return ws;
};

/** The CLI in a child process, without blocking this process (s3rver answers from here). */
const cli = (args: string[], env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], { cwd: REPO, env: { ...process.env, ...env, DATIVO_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

describe('S3 target', () => {
  it('writes the run under run_id=..., records it in a commit manifest, leaves no staging; reruns are incremental', async () => {
    const ws = s3Job(20_000, 'raw/orders');
    const logger = createLogger({ destination: new MemoryLogDestination() });
    const summary = await runJob(ws.jobFile, { logger });
    expect(summary.records).toBe(20_000);
    const all = await keys('raw/orders/');
    expect(all.filter((k) => k.includes('/_dativo/staging/'))).toEqual([]);
    expect(all).toContain(`raw/orders/_dativo/commits/${summary.runId}.json`);
    const data = all.filter((k) => k.endsWith('.parquet'));
    expect(data.length).toBeGreaterThan(1);
    for (const k of data) expect(k).toMatch(new RegExp(`^raw/orders/orders/run_id=${summary.runId}/part-\\d{5}\\.parquet$`));
    expect(await orderIds('raw/orders/')).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect((await runJob(ws.jobFile, { logger })).records).toBe(0);
  });

  it('a run killed after its commit point is finished by the next run: every row exactly once', async () => {
    const ws = s3Job(5000, 'crash/orders');
    const signal = await new Promise<string | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', ws.jobFile], {
        cwd: REPO,
        stdio: 'ignore',
        env: { ...process.env, ...CREDS, DATIVO_LOG_LEVEL: 'warn', DATIVO_CRASH_POINT: 'after-commit-point' },
      });
      child.on('exit', (_c, s) => resolve(s));
    });
    expect(signal).toBe('SIGKILL');
    expect((await keys('crash/orders/_dativo/pending/')).length).toBe(1);
    const rerun = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) });
    expect(rerun.recovered).toHaveLength(1);
    expect(rerun.records).toBe(0);
    expect(await orderIds('crash/orders/')).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(await keys('crash/orders/_dativo/pending/')).toEqual([]);
  });

  it('replace on S3: the second run retires the objects of the first run; the lock is released', async () => {
    const ws = s3Job(3000, 'replace/orders');
    ws.writeJob({
      target_connector: 's3',
      source: { objects: [{ name: 'orders', files: ['data/orders.csv'], write_disposition: 'replace' }], config: { batch_rows: 1000 } },
      target: { connection: { s3: { bucket: 'lake', prefix: 'replace/orders', endpoint, region: 'us-east-1' } } },
    });
    const logger = createLogger({ destination: new MemoryLogDestination() });
    await runJob(ws.jobFile, { logger });
    const second = await runJob(ws.jobFile, { logger });
    expect(await orderIds('replace/orders/')).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    const data = (await keys('replace/orders/')).filter((k) => k.endsWith('.parquet'));
    expect(data.every((k) => k.startsWith(`replace/orders/orders/run_id=${second.runId}/`))).toBe(true);
    expect((await keys('replace/orders/_dativo/locks/')).length).toBe(0);
  });

  it('check names a refused credential (TARGET_AUTH) and a missing bucket (TARGET_NOT_FOUND), with no stack trace', async () => {
    const ws = s3Job(10, 'check/orders');
    const ok = await cli(['check', ws.jobFile, '--json'], CREDS);
    expect(ok.status, ok.stderr).toBe(0);
    const refused = await cli(['check', ws.jobFile, '--json'], { ...CREDS, AWS_ACCESS_KEY_ID: 'NOT-A-KEY' });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('TARGET_AUTH');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    ws.writeJob({
      target_connector: 's3',
      source: { objects: ['orders'], files: ['data/orders.csv'] },
      target: { connection: { s3: { bucket: 'no-such-bucket', prefix: 'x', endpoint, region: 'us-east-1' } } },
    });
    const missing = await cli(['check', ws.jobFile, '--json'], CREDS);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'TARGET_NOT_FOUND', details: { bucket: 'no-such-bucket' } });
    const run = await cli(['run', ws.jobFile, '--json'], CREDS);
    expect(JSON.parse(run.stdout).error.code).toBe('TARGET_NOT_FOUND');
  });
});
