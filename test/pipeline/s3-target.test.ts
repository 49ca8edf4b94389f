/**
 * The S3 target against a real S3-compatible server on loopback (s3rver), through the
 * AWS SDK: staged multipart uploads, commit manifest, copy into place, recovery.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { REPO, tempDir } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';

const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
let server: S3rver;
let endpoint: string;
let s3: S3Client;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: tempDir('s3rver-'), configureBuckets: [{ name: 'lake', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
  for (const [k, v] of Object.entries(CREDS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await server.close();
});

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
});
