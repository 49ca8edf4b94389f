/**
 * The S3 target against a real MinIO server on loopback (s3-target.test.ts runs the same
 * cases on s3rver): multipart uploads past MinIO's 5 MiB minimum part, recovery after a
 * SIGKILL past the commit point, replace, and the lock's conditional create, which MinIO
 * honours (s3rver ignores it).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { REPO } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';
import { MINIO_CREDS as CREDS, minioLakeForTests } from '../helpers/minio-server.js';

const lake = minioLakeForTests();

const logger = () => createLogger({ destination: new MemoryLogDestination() });
const keys = async (prefix: string) => {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await lake.s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix, ContinuationToken: token }));
    out.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
};
const dataKeys = async (prefix: string) => (await keys(prefix)).filter((k) => k.endsWith('.parquet') && !k.includes('/_dativo/'));
const orderIds = async (prefix: string) => {
  const ids: number[] = [];
  for (const key of await dataKeys(prefix)) {
    const body = await (await lake.s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }))).Body!.transformToByteArray();
    for (const v of tableFromIPC(readParquet(body).intoIPCStream()).getChild('order_id')!.toArray() as ArrayLike<bigint>) ids.push(Number(v));
  }
  return ids.sort((a, b) => a - b);
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const s3Job = (rows: number, prefix: string, target: Record<string, unknown> = { parquet_target_size_mb: 0.2 }) => {
  const ws = jobWorkspace(rows);
  ws.writeJob({
    target_connector: 's3',
    source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 5000 }, incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
    target: { connection: { s3: { bucket: 'lake', prefix, endpoint: lake.endpoint, region: 'us-east-1' } }, ...target },
  });
  return ws;
};
const cli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], { cwd: REPO, env: { ...process.env, ...CREDS, DATIVO_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });

describe('S3 target on MinIO', () => {
  it('a run, an incremental rerun, and no staging left', async () => {
    const ws = s3Job(20_000, 'raw/orders');
    const summary = await runJob(ws.jobFile, { logger: logger() });
    expect(summary.records).toBe(20_000);
    const all = await keys('raw/orders/');
    expect(all.filter((k) => k.includes('/_dativo/staging/'))).toEqual([]);
    expect(all).toContain(`raw/orders/_dativo/commits/${summary.runId}.json`);
    expect((await dataKeys('raw/orders/')).length).toBeGreaterThan(1);
    expect(await orderIds('raw/orders/')).toEqual(range(20_000));
    expect((await runJob(ws.jobFile, { logger: logger() })).records).toBe(0);
  });

  it('a Parquet file over 8 MiB is uploaded in several parts (MinIO refuses parts under 5 MiB but the last)', async () => {
    const ws = s3Job(1_600_000, 'big/orders', { parquet_target_size_mb: 1024, compression: 'uncompressed' });
    const summary = await runJob(ws.jobFile, { logger: logger() });
    expect(summary.records).toBe(1_600_000);
    const files = await dataKeys('big/orders/');
    const heads = await Promise.all(files.map((Key) => lake.s3.send(new HeadObjectCommand({ Bucket: 'lake', Key }))));
    const big = heads.filter((h) => (h.ContentLength ?? 0) > 8 * 2 ** 20);
    expect(big.length, `sizes: ${heads.map((h) => h.ContentLength).join(', ')}`).toBeGreaterThan(0);
    // Staged in 8 MiB parts (s3-store.ts), then copied into place: a file this big was
    // uploaded in several parts, each of which MinIO checked against its 5 MiB minimum.
    const ids = await orderIds('big/orders/');
    expect(ids.length).toBe(1_600_000);
    expect(ids.findIndex((id, i) => id !== i + 1)).toBe(-1);
  }, 300_000);

  it('a run killed after its commit point is finished by the next run: every row exactly once', async () => {
    const ws = s3Job(5000, 'crash/orders');
    const killed = await cli(['run', ws.jobFile], { DATIVO_CRASH_POINT: 'after-commit-point' });
    expect(killed.signal).toBe('SIGKILL');
    expect((await keys('crash/orders/_dativo/pending/')).length).toBe(1);
    const rerun = await runJob(ws.jobFile, { logger: logger() });
    expect(rerun.recovered).toHaveLength(1);
    expect(rerun.records).toBe(0);
    expect(await orderIds('crash/orders/')).toEqual(range(5000));
    expect(await keys('crash/orders/_dativo/pending/')).toEqual([]);
  });

  it('replace: the second run retires the first run objects; the lock is released', async () => {
    const ws = s3Job(3000, 'replace/orders');
    ws.writeJob({
      target_connector: 's3',
      source: { objects: [{ name: 'orders', files: ['data/orders.csv'], write_disposition: 'replace' }], config: { batch_rows: 1000 } },
      target: { connection: { s3: { bucket: 'lake', prefix: 'replace/orders', endpoint: lake.endpoint, region: 'us-east-1' } } },
    });
    await runJob(ws.jobFile, { logger: logger() });
    const second = await runJob(ws.jobFile, { logger: logger() });
    expect(await orderIds('replace/orders/')).toEqual(range(3000));
    expect((await dataKeys('replace/orders/')).every((k) => k.startsWith(`replace/orders/orders/run_id=${second.runId}/`))).toBe(true);
    expect(await keys('replace/orders/_dativo/locks/')).toEqual([]);
  });

  it('two runs at once: MinIO honours the lock create (If-None-Match), so one gets RUN_LOCKED and rows land once', async () => {
    const ws = s3Job(200_000, 'race/orders');
    const [a, b] = await Promise.all([cli(['run', ws.jobFile, '--json']), cli(['run', ws.jobFile, '--json'])]);
    const codes = [a, b].map((r) => (r.status === 0 ? 'ok' : JSON.parse(r.stdout).error.code)).sort();
    expect(codes, a.stderr + b.stderr).toEqual(['RUN_LOCKED', 'ok']);
    expect(await orderIds('race/orders/')).toEqual(range(200_000));
  }, 300_000);

  it('check names a refused credential (TARGET_AUTH) and a missing bucket (TARGET_NOT_FOUND)', async () => {
    const ws = s3Job(10, 'check/orders');
    const ok = await cli(['check', ws.jobFile, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const refused = await cli(['check', ws.jobFile, '--json'], { AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('TARGET_AUTH');
    ws.writeJob({
      target_connector: 's3',
      source: { objects: ['orders'], files: ['data/orders.csv'] },
      target: { connection: { s3: { bucket: 'no-such-bucket', prefix: 'x', endpoint: lake.endpoint, region: 'us-east-1' } } },
    });
    const missing = await cli(['check', ws.jobFile, '--json']);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'TARGET_NOT_FOUND', details: { bucket: 'no-such-bucket' } });
  });
});
