/**
 * The test Iceberg REST catalog (test/helpers/iceberg-rest.ts) and its pyiceberg reader:
 * a namespace and a table made over the plain REST API, read back empty; the helper's
 * failure when the jar is not built; the JVM gone with the test process, even a SIGKILLed one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/fixtures.js';
import { readIcebergTable, startIcebergRest, type IcebergRest } from '../helpers/iceberg-rest.js';

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(json)}`);
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

