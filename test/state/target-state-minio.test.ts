/**
 * state.backend target on a real MinIO server on loopback (.ci/install-minio.sh): the S3
 * cases target-state.test.ts runs on s3rver (s3-state-cases.ts), unchanged.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe } from 'vitest';
import { MINIO_CREDS, startMinio, type MinioServer } from '../helpers/minio-server.js';
import { s3StateCases } from './s3-state-cases.js';

let minio: MinioServer;
let s3: S3Client;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  minio = await startMinio();
  // The host's S3 client (runs in this process) reads the AWS variables.
  for (const [k, v] of Object.entries(MINIO_CREDS)) (saved[k] = process.env[k]), (process.env[k] = v);
  s3 = new S3Client({ endpoint: minio.endpoint, forcePathStyle: true, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
}, 120_000);
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  s3?.destroy();
  await minio?.stop();
});

describe('state.backend target on MinIO', () => {
  s3StateCases(() => ({ endpoint: minio.endpoint, s3, creds: MINIO_CREDS }));
});
