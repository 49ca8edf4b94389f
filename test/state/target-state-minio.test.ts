/**
 * state.backend target on a real MinIO server on loopback (.ci/install-minio.sh): the S3
 * cases target-state.test.ts runs on s3rver (s3-state-cases.ts), unchanged.
 */
import { describe } from 'vitest';
import { MINIO_CREDS, minioLakeForTests } from '../helpers/minio-server.js';
import { s3StateCases } from './s3-state-cases.js';

const lake = minioLakeForTests();

describe('state.backend target on MinIO', () => {
  s3StateCases(() => ({ endpoint: lake.endpoint, s3: lake.s3, creds: MINIO_CREDS }));
});
