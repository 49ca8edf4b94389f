/**
 * A throwaway MinIO server on a loopback port, data in a temporary folder. The binary is
 * built from the Go module proxy by .ci/install-minio.sh (pinned, cached).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './fixtures.js';

const CACHE = process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host');
export const MINIO_BIN = join(CACHE, 'tools', 'minio-v0.0.0-20260212201848-7aac2a2c5b7c', 'minio');
export const MINIO_CREDS = { AWS_ACCESS_KEY_ID: 'dativo-minio', AWS_SECRET_ACCESS_KEY: 'dativo-minio-secret', AWS_REGION: 'us-east-1' };

export interface MinioServer {
  endpoint: string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startMinio(): Promise<MinioServer> {
  if (!existsSync(MINIO_BIN)) throw new Error(`${MINIO_BIN} is missing: run .ci/install-minio.sh`);
  const [port, consolePort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MINIO_BIN, ['server', tempDir('minio-'), '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MINIO_ROOT_USER: MINIO_CREDS.AWS_ACCESS_KEY_ID, MINIO_ROOT_PASSWORD: MINIO_CREDS.AWS_SECRET_ACCESS_KEY, MINIO_BROWSER: 'off' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`minio exited (${child.exitCode}): ${out}`);
    const ready = await fetch(`${endpoint}/minio/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`minio did not become ready on ${endpoint}: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface MinioLake {
  endpoint: string;
  /** A client of the server, bucket `lake` made. */
  s3: S3Client;
}

/**
 * A MinIO with a bucket `lake` for the tests of the file that calls this, and meanwhile the
 * AWS variables the host's S3 client reads (this process) set to its credentials. The
 * object is filled in before the tests.
 */
export function minioLakeForTests(): MinioLake {
  const lake = {} as MinioLake;
  const saved: Record<string, string | undefined> = {};
  let server: MinioServer | undefined;
  beforeAll(async () => {
    server = await startMinio();
    for (const [k, v] of Object.entries(MINIO_CREDS)) (saved[k] = process.env[k]), (process.env[k] = v);
    lake.endpoint = server.endpoint;
    lake.s3 = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });
    await lake.s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  }, 120_000);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    lake.s3?.destroy();
    await server?.stop();
  });
  return lake;
}
