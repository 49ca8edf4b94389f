/**
 * The test Iceberg REST catalog (test/helpers/iceberg-rest.ts) and its pyiceberg reader:
 * a namespace and a table made over the plain REST API, read back empty, then with rows
 * pyiceberg appended (two snapshots, time travel); the same with the warehouse on a real
 * MinIO; the helper's failure when the jar is not built; the JVM gone with the test
 * process, even a SIGKILLed one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/fixtures.js';
import { appendWithPyiceberg, readIcebergTable, startIcebergRest, type IcebergRest } from '../helpers/iceberg-rest.js';
import { MINIO_CREDS, startMinio, type MinioServer } from '../helpers/minio-server.js';

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(json).slice(0, 600)}`);
  return json;
};

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', type: 'long', required: true },
    { id: 2, name: 'customer', type: 'string', required: false },
    { id: 3, name: 'amount', type: 'decimal(10, 2)', required: false },
    { id: 4, name: 'placed_at', type: 'timestamptz', required: false },
  ],
};

describe('Iceberg REST catalog fixture (local warehouse)', () => {
  let cat: IcebergRest;
  beforeAll(async () => {
    cat = await startIcebergRest();
  }, 120_000);
  afterAll(() => cat?.stop());

  it('creates a namespace and a table over REST; pyiceberg reads the empty table back', async () => {
    expect(cat.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await post(`${cat.uri}/v1/namespaces`, { namespace: ['sales'] })).toMatchObject({ namespace: ['sales'] });
    const created = await post(`${cat.uri}/v1/namespaces/sales/tables`, { name: 'orders', schema: SCHEMA });
    const metadataLocation = created['metadata-location'] as string;
    // The catalog wrote the table's metadata into the warehouse folder on disk.
    expect(metadataLocation.replace(/^file:\/+/, '/')).toContain(fileURLToPath(cat.warehouse));
    expect(existsSync(fileURLToPath(new URL(metadataLocation.replace(/^file:\/(?!\/)/, 'file:///'))))).toBe(true);

    const read = await readIcebergTable(cat, 'sales.orders');
    expect(read.rows).toEqual([]);
    expect(read.snapshots).toEqual([]);
    expect(read.schema).toEqual([
      { id: 1, name: 'order_id', type: 'long', required: true },
      { id: 2, name: 'customer', type: 'string', required: false },
      { id: 3, name: 'amount', type: 'decimal(10, 2)', required: false },
      { id: 4, name: 'placed_at', type: 'timestamptz', required: false },
    ]);
  });

  it('names the table when pyiceberg cannot read it', async () => {
    await expect(readIcebergTable(cat, 'sales.no_such_table')).rejects.toThrow(/sales\.no_such_table.*NoSuchTable/s);
  });
});

const ROWS_1 = [
  { order_id: 1, customer: 'ada', amount: '12.50', placed_at: '2026-03-01T09:30:00+00:00' },
  { order_id: 2, customer: null, amount: null, placed_at: null },
];
const ROWS_2 = [{ order_id: '9007199254740993', customer: 'grace', amount: '-0.01', placed_at: '1999-12-31T23:59:59.999999+00:00' }];

/** Two pyiceberg appends into sales.orders (made over REST): rows, snapshot chain, time travel. */
async function appendTwiceAndRead(cat: IcebergRest): Promise<void> {
  const first = await appendWithPyiceberg(cat, 'sales.orders', ROWS_1);
  const second = await appendWithPyiceberg(cat, 'sales.orders', ROWS_2);
  const read = await readIcebergTable(cat, 'sales.orders');
  const id = (r: Record<string, unknown>) => BigInt(r.order_id as string | number);
  const byId = (rows: Record<string, unknown>[]) => [...rows].sort((x, y) => (id(x) < id(y) ? -1 : 1));
  // JSON-safe: a long past 2^53 comes as its exact decimal string; decimals as strings.
  expect(byId(read.rows)).toEqual([...ROWS_1, ...ROWS_2]);
  expect(read.snapshots.map((s) => [s.snapshotId, s.parentId, s.summary.operation, s.summary['added-records']])).toEqual([
    [first, null, 'append', '2'],
    [second, first, 'append', '1'],
  ]);
  expect(byId((await readIcebergTable(cat, 'sales.orders', { snapshotId: first })).rows)).toEqual(ROWS_1);
}

describe('Iceberg REST catalog fixture: rows through the catalog', () => {
  let cat: IcebergRest;
  beforeAll(async () => {
    cat = await startIcebergRest();
    await post(`${cat.uri}/v1/namespaces`, { namespace: ['sales'] });
    await post(`${cat.uri}/v1/namespaces/sales/tables`, { name: 'orders', schema: SCHEMA });
  }, 120_000);
  afterAll(() => cat?.stop());

  it('pyiceberg appends twice through the catalog; every row, the snapshot chain and time travel read back', async () => {
    await appendTwiceAndRead(cat);
  }, 60_000);
});

describe('Iceberg REST catalog fixture: warehouse on MinIO', () => {
  let minio: MinioServer;
  let s3: S3Client;
  let cat: IcebergRest;
  beforeAll(async () => {
    minio = await startMinio();
    const credentials = { accessKeyId: MINIO_CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: MINIO_CREDS.AWS_SECRET_ACCESS_KEY };
    s3 = new S3Client({ endpoint: minio.endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'iceberg' }));
    cat = await startIcebergRest({ warehouse: 's3://iceberg/wh', s3: { endpoint: minio.endpoint, ...credentials } });
  }, 120_000);
  afterAll(async () => {
    await cat?.stop();
    s3?.destroy();
    await minio?.stop();
  });
  const keys = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: 'iceberg', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  it('the catalog writes the table it creates over REST into MinIO; pyiceberg reads it there, empty then with rows', async () => {
    await post(`${cat.uri}/v1/namespaces`, { namespace: ['sales'] });
    const created = await post(`${cat.uri}/v1/namespaces/sales/tables`, { name: 'orders', schema: SCHEMA });
    const metadataLocation = created['metadata-location'] as string;
    expect(metadataLocation).toMatch(/^s3:\/\/iceberg\/wh\/sales\/orders\/metadata\/.+\.metadata\.json$/);
    expect(await keys('wh/sales/orders/metadata/')).toEqual([metadataLocation.slice('s3://iceberg/'.length)]);
    const empty = await readIcebergTable(cat, 'sales.orders');
    expect([empty.rows, empty.snapshots, empty.schema.map((f) => f.name)]).toEqual([[], [], ['order_id', 'customer', 'amount', 'placed_at']]);

    await appendTwiceAndRead(cat);
    expect((await keys('wh/sales/orders/data/')).filter((k) => k.endsWith('.parquet'))).toHaveLength(2);
  }, 90_000);
});

describe('Iceberg REST catalog fixture: failures and lifetime', () => {
  it('fails naming .ci/install-iceberg-rest.sh when the jar is not built', async () => {
    const saved = process.env.DATIVO_CACHE_DIR;
    process.env.DATIVO_CACHE_DIR = tempDir('dativo-empty-cache-');
    try {
      await expect(startIcebergRest()).rejects.toThrow(/iceberg-rest-[0-9a-f]{16}\/iceberg-rest\.jar is missing: run \.ci\/install-iceberg-rest\.sh/);
    } finally {
      if (saved === undefined) delete process.env.DATIVO_CACHE_DIR;
      else process.env.DATIVO_CACHE_DIR = saved;
    }
  });

  it('the JVM exits when the process that started it is SIGKILLed', async () => {
    const script = `
      import { startIcebergRest } from ${JSON.stringify(join(REPO, 'test/helpers/iceberg-rest.ts'))};
      const cat = await startIcebergRest();
      console.log(cat.uri);
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    const uri = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('exit', (code) => reject(new Error(`the starter exited (${code}) before the catalog answered`)));
    });
    expect((await fetch(`${uri}/v1/config`)).ok).toBe(true);
    child.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    let answering = true;
    while (answering && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      answering = await fetch(`${uri}/v1/config`).then(() => true, () => false);
    }
    expect(answering).toBe(false);
  }, 120_000);
});

