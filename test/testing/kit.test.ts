/**
 * dativo-host/testing against real plugins built from source: the Rust probe reader (one
 * grant per action), the shipped csv-reader in a job, and the shipped rest-api-reader
 * against the kit's fixture server. Imported from the host's sources (vitest runs them);
 * test/package/install.test.ts imports it by its package name from an installed tarball.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import {
  committedRows, loadTestPlugin, runTestJob, startFixtureServer, type FixtureServer, type TestPlugin,
} from '../../host/src/testing/index.js';
import { fixture, REPO, tempDir, writeManifest } from '../helpers/fixtures.js';
import { generateOrders, jobWorkspace, readCsv } from '../helpers/job.js';

const probeManifest = () => writeManifest(fixture('rust', 'probe-reader'), { name: 'probe' });
const probe = async (t: TestPlugin, config: Record<string, unknown>) => (await t.read({ config, stream: 'probe' })).rows[0];

let open: TestPlugin[] = [];
let servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(open.map((p) => p.close()));
  await Promise.all(servers.map((s) => s.close()));
  open = [];
  servers = [];
});
const load = async (...args: Parameters<typeof loadTestPlugin>) => {
  const p = await loadTestPlugin(...args);
  open.push(p);
  return p;
};

describe('loadTestPlugin: temporary grants through the real sandbox', () => {
  it('a folder, an env var and a secret: granted for the test, denied without', async () => {
    const data = tempDir('dativo-kit-data-');
    writeFileSync(join(data, 'hello.txt'), 'hi from the host');
    const granted = await load(probeManifest(), { grants: { folders: { '/data': data }, env: { GREETING: 'hej' }, secrets: { api_token: 't0ken' } } });
    expect(await probe(granted, { action: 'read-file', path: '/data/hello.txt' })).toEqual({ action: 'read-file', ok: true, value: 'hi from the host' });
    expect(await probe(granted, { action: 'env-all' })).toEqual({ action: 'env-all', ok: true, value: ['GREETING'] });
    expect(await probe(granted, { action: 'env', name: 'GREETING' })).toMatchObject({ ok: true, value: 'hej' });
    expect(await probe(granted, { action: 'secret', name: 'api_token' })).toMatchObject({ ok: true, value: 't0ken' });
    // The test's grants are audited as a job's are.
    expect(granted.logs.audits('capability.granted').map((r) => [r.capability, r.entry ?? r.guest])).toEqual(
      expect.arrayContaining([['env', 'GREETING'], ['secrets', 'api_token']]),
    );
    const file = granted.logs.audits('capability.granted').find((r) => r.capability === 'filesystem');
    expect(file).toMatchObject({ host: data });

    const bare = await load(probeManifest());
    expect(await probe(bare, { action: 'read-file', path: '/data/hello.txt' })).toMatchObject({ ok: false });
    expect(await probe(bare, { action: 'env-all' })).toMatchObject({ ok: true, value: [] });
    await expect(probe(bare, { action: 'secret', name: 'api_token' })).rejects.toMatchObject({ code: 'CAPABILITY_DENIED' });
  });

  it('an HTTP origin: the fixture server is reachable when granted, denied when not', async () => {
    const server = await startFixtureServer([{ path: '/hello', body: 'hello from a recording' }]);
    servers.push(server);
    const granted = await load(probeManifest(), { grants: { http: [server.origin] } });
    expect(await probe(granted, { action: 'http-get', url: `${server.origin}/hello` })).toMatchObject({
      ok: true,
      value: { status: 200, body: 'hello from a recording' },
    });
    const bare = await load(probeManifest());
    await expect(probe(bare, { action: 'http-get', url: `${server.origin}/hello` })).rejects.toMatchObject({ code: 'CAPABILITY_DENIED' });
    // onDenial: 'report' lets the guest see the WASI error instead.
    const reporting = await load(probeManifest(), { onDenial: 'report' });
    expect(await probe(reporting, { action: 'http-get', url: `${server.origin}/hello` })).toMatchObject({ ok: false, error: 'HTTP-request-denied' });
    expect(server.requests.map((r) => r.url.pathname)).toEqual(['/hello']);
  });

  it('read to rows, then resume from the checkpoint in a new instance', async () => {
    const t = await load(probeManifest());
    const first = await t.read({ config: { action: 'emit', count: 5, batch_rows: 2 } });
    expect(first.request.stream).toBe('probe'); // discover's first stream
    expect(first.batches).toHaveLength(3);
    expect(first.rows).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(first.checkpoint).toBe(JSON.stringify({ n: 4 }));
    const next = await t.resume(first, { config: { action: 'emit', count: 3, batch_rows: 2 } });
    expect(next.rows).toEqual([5, 6, 7].map((n) => ({ n })));
    expect(next.checkpoint).toBe(JSON.stringify({ n: 7 }));
  });
});

describe('runTestJob: a job into a temporary target, committed rows read back', () => {
  it('runs the csv job, reads the Parquet back, and a rerun resumes from the committed state', async () => {
    const ws = jobWorkspace(300);
    const first = await runTestJob(ws.jobFile);
    try {
      expect(first.targetDir.startsWith(first.dir)).toBe(true);
      const csv = readCsv(ws.csv);
      const rows = first.rows();
      expect(rows).toHaveLength(300);
      expect(rows.map((r) => r.order_id)).toEqual(csv.map((r) => Number(r.order_id)));
      expect(rows.map((r) => r.customer_email)).toEqual(csv.map((r) => r.customer_email));
      generateOrders(ws.csv, 20, 301);
      const second = await first.rerun();
      expect(second.rows().map((r) => r.order_id)).toEqual(Array.from({ length: 20 }, (_, i) => 301 + i));
      expect(second.allRows()).toHaveLength(320);
      // The job's own target and state folders were never written.
      expect(existsSync(ws.out)).toBe(false);
      expect(existsSync(join(ws.dir, 'state'))).toBe(false);
    } finally {
      first.cleanup();
    }
  });

  it('a failing rerun throws its typed error and the target keeps the first run only', async () => {
    const ws = jobWorkspace(10);
    const first = await runTestJob(ws.jobFile);
    try {
      appendFileSync(ws.csv, 'not-a-number,x,x,x,x,x,x\n');
      await expect(first.rerun()).rejects.toMatchObject({ code: 'PLUGIN_DATA', message: expect.stringContaining('line 12') });
      expect(committedRows(first.targetDir, 'orders').map((r) => r.order_id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      first.cleanup();
    }
  });
});

describe('startFixtureServer with the shipped rest-api-reader', () => {
  it('recorded pages, a 429 answered once, the token checked: read, then resume with since', async () => {
    const page = (ids: number[], next: string | null) => ({
      data: ids.map((id) => ({ id, updated_at: `2024-01-0${id}T00:00:00Z` })),
      next_cursor: next,
    });
    const auth = { authorization: 'Bearer t0ken' };
    const server = await startFixtureServer([
      { path: '/v1/items', query: {}, headers: auth, body: page([1, 2], '2') },
      { path: '/v1/items', query: { cursor: '2' }, headers: auth, status: 429, responseHeaders: { 'retry-after': '1' }, body: {}, times: 1 },
      { path: '/v1/items', query: { cursor: '2' }, headers: auth, body: page([3], null) },
      { path: '/v1/items', query: { since: '2024-01-03T00:00:00Z' }, headers: auth, body: page([4], null) },
    ]);
    servers.push(server);
    const manifest = join(REPO, 'plugins-rust', 'rest-api-reader', 'dist', 'plugin.yaml');
    const t = await load(manifest, { grants: { http: [server.origin], secrets: { api_token: 't0ken' } } });
    const config = {
      base_url: server.origin,
      path: '/v1/items',
      auth: { type: 'bearer', secret: 'api_token' },
      pagination: { type: 'cursor', cursor_param: 'cursor', next_cursor_pointer: '/next_cursor', records_pointer: '/data' },
      incremental: { cursor_field: 'updated_at', param: 'since' },
    };
    const first = await t.read({ config, stream: 'items' });
    expect(first.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(server.requests.map((r) => r.status)).toEqual([200, 429, 200]);
    const next = await t.resume(first);
    expect(next.rows.map((r) => r.id)).toEqual([4]);
    expect(server.unmatched).toEqual([]);
    expect(server.unused()).toEqual([]);
  });
});
