/**
 * The Iceberg target with its warehouse on S3: a real MinIO (test/helpers/minio-server.ts)
 * holds the data files and the Avro manifests the host writes and the metadata files the
 * REST catalog writes (its S3FileIO); pyiceberg reads the table back through both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readIcebergTable, startIcebergRest, type IcebergRest } from '../helpers/iceberg-rest.js';
import { generateOrders, jobWorkspace } from '../helpers/job.js';
import { MINIO_CREDS as CREDS, minioLakeForTests } from '../helpers/minio-server.js';
import { byOrderId, expectedOrders } from './iceberg-cases.js';

const lake = minioLakeForTests();
let cat: IcebergRest;
beforeAll(async () => {
  cat = await startIcebergRest({ warehouse: 's3://lake/wh', s3: { endpoint: lake.endpoint, accessKeyId: CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDS.AWS_SECRET_ACCESS_KEY } });
}, 120_000);
afterAll(async () => {
  await cat?.stop();
});

describe('Iceberg target, warehouse on S3 (MinIO)', () => {
  it('a run and an incremental rerun: two snapshots, every row once, read by pyiceberg from the bucket', async () => {
    const ws = jobWorkspace(3000);
    ws.writeJob({
      target_connector: 'iceberg',
      source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 1000 }, incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
      target: { connection: { s3: { bucket: 'lake', prefix: 'wh', endpoint: lake.endpoint, region: 'us-east-1' } }, parquet_target_size_mb: 0.05, catalog: { uri: cat.uri, namespace: 'sales' } },
    });
    const log = () => createLogger({ destination: new MemoryLogDestination() });
    const first = await runJob(ws.jobFile, { logger: log() });
    expect(first.state.backend).toBe('target'); // the S3 default: checkpoints in the bucket's commit manifests
    generateOrders(ws.csv, 700, 3001);
    const second = await runJob(ws.jobFile, { logger: log() });
    expect(second.records).toBe(700);
    const read = await readIcebergTable(cat, 'sales.orders');
    expect(byOrderId(read.rows)).toEqual(expectedOrders(ws.csv));
    expect(read.snapshots.map((s) => s.summary['dativo.run-id'])).toEqual([first.runId, second.runId]);
  }, 180_000);
});
