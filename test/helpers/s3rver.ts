/**
 * A real S3-compatible server (s3rver) on a loopback port for one test file: bucket
 * `lake`, and the AWS variables the host's S3 client reads set until close().
 */
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { tempDir } from './fixtures.js';

/** The credentials s3rver accepts; pass them to CLI runs in child processes. */
export const S3RVER_CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

export interface S3rverFixture {
  endpoint: string;
  s3: S3Client;
  close(): Promise<void>;
}

export async function startS3rver(): Promise<S3rverFixture> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: tempDir('s3rver-'), configureBuckets: [{ name: 'lake', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(S3RVER_CREDS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    endpoint,
    s3,
    async close() {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      s3.destroy();
      await server.close();
    },
  };
}
