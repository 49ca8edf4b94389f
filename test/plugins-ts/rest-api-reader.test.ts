/**
 * plugins-ts/rest-api-reader (on plugins-ts/sdk) end to end: built from source with
 * buildPlugin (esbuild + componentize-js), loaded through the real host (manifest,
 * sandbox, worker) with a manifest granting exactly the test server's origin and the
 * `api_token` secret, reading from a real HTTP server on loopback.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { Batch } from '../../host/src/runtime/plugin-types.js';
import type { ReaderClient } from '../../host/src/runtime/reader-client.js';
import { StaticSecretManager } from '../../host/src/secrets/secret-manager.js';
import { REPO, writeManifest } from '../helpers/fixtures.js';
import { startPagedApi, type PagedApi } from '../helpers/paged-api.js';

const PLUGIN_DIR = join(REPO, 'plugins-ts', 'rest-api-reader');
const TOKEN = 's3cret-token';

let component: string;
beforeAll(async () => {
  // buildTsComponent hashes the esbuild bundle, so SDK changes rebuild too.
  const started = Date.now();
  const built = await buildPlugin(PLUGIN_DIR, { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`[rest-api-reader-ts] ${l}\n`)) });
  process.stderr.write(`[rest-api-reader-ts] ${built.built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'up to date'}\n`);
  component = built.component;
}, 900_000);

// ---------------------------------------------------------------------------
// The API: GET /v1/items?cursor=N&since=T, 3 records a page, bearer token required.

interface Item {
  id: number;
  name: string;
  updated_at: string;
}

const item = (i: number): Item => ({ id: i, name: `item ${i} "quoted" \u00e9`, updated_at: `2024-01-${String(i).padStart(2, '0')}T00:00:00Z` });

type Api = PagedApi<Item>;
const startApi = (items: Item[]) => startPagedApi(items, TOKEN);

// ---------------------------------------------------------------------------

let api: Api;
let readers: ReaderClient[] = [];
let logs: MemoryLogDestination;
beforeAll(async () => {
  api = await startApi([1, 2, 3, 4, 5, 6, 7].map(item));
});
afterAll(() => api.close());
afterEach(async () => {
  await Promise.all(readers.map((r) => r.close()));
  readers = [];
  api.hits.length = 0;
  api.throttleCursor = undefined;
});

async function openReader(opts: { token?: string } = {}): Promise<ReaderClient> {
  const manifest = writeManifest(component, {
    name: 'rest-api-reader-ts',
    capabilities: { http: [api.origin], secrets: ['api_token'] },
    limits: { call_timeout_ms: 60_000 },
  });
  logs = new MemoryLogDestination();
  const plugin = await loadPlugin({
    manifest,
    env: {},
    secrets: new StaticSecretManager({ api_token: opts.token ?? TOKEN }),
    logger: createLogger({ destination: logs, level: 'debug' }),
  });
  const reader = await plugin.openReader();
  readers.push(reader);
  return reader;
}

const config = (over: Record<string, unknown> = {}) => ({
  base_url: api.origin,
  path: '/v1/items',
  auth: { type: 'bearer', secret: 'api_token' },
  records_path: '/data',
  pagination: { type: 'cursor', cursor_param: 'cursor', next_cursor_path: '/next_cursor' },
  incremental: { cursor_field: 'updated_at', param: 'since' },
  ...over,
});

async function readAll(reader: ReaderClient, cfg: unknown, checkpoint?: string): Promise<{ batches: Batch[]; rows: Item[]; error: HostError | undefined }> {
  const batches: Batch[] = [];
  let error: HostError | undefined;
  try {
    for await (const b of reader.read({ config: cfg, stream: 'items', checkpoint })) batches.push(b);
  } catch (e) {
    error = e as HostError;
  }
  const rows = batches.flatMap((b) => new TextDecoder().decode(b.bytes).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item));
  return { batches, rows, error };
}

describe('rest-api-reader (TypeScript)', () => {
  it('spec and discover: JSON Lines, one stream named after the path, incremental on the cursor field', async () => {
    const reader = await openReader();
    const spec = await reader.spec();
    expect(spec).toMatchObject({ version: '0.1.0', encodings: ['json-lines'], configSchema: { type: 'object', required: ['base_url', 'path'] } });
    expect(await reader.discover(config({ primary_key: ['id'] }))).toEqual([
      { name: 'items', jsonSchema: { type: 'object' }, primaryKey: ['id'], cursorFields: ['updated_at'], supportsIncremental: true },
    ]);
    expect(api.hits).toEqual([]);
  });

  it('reads all 3 pages with the bearer token, waits out a 429 with Retry-After: 1, checkpoints the max cursor', async () => {
    api.throttleCursor = '3'; // the request for page 2 is throttled once
    const reader = await openReader();
    const { batches, rows, error } = await readAll(reader, config());
    expect(error).toBeUndefined();
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7].map(item));
    expect(batches.map((b) => b.encoding)).toEqual(['json-lines']);
    expect(batches.at(-1)!.checkpoint).toBe(JSON.stringify({ cursor_field: 'updated_at', max: '2024-01-07T00:00:00Z' }));
    expect(api.hits.map((h) => [h.url.searchParams.get('cursor'), h.status])).toEqual([
      [null, 200],
      ['3', 429],
      ['3', 200],
      ['6', 200],
    ]);
    expect(api.hits[2]!.at - api.hits[1]!.at).toBeGreaterThanOrEqual(950); // Retry-After honoured
    expect(api.hits.every((h) => h.authorization === `Bearer ${TOKEN}` && !h.url.searchParams.has('since'))).toBe(true);
    expect(logs.records.some((r) => r.msg === 'retrying request' && String((r.fields as Record<string, unknown>)?.status) === '429')).toBe(true);
  });

  it('a wrong token: PLUGIN_AUTH (HTTP_401), from check and from a read, without retries or the token in the message', async () => {
    const reader = await openReader({ token: 'wrong' });
    const check = await reader.check(config()).catch((e: HostError) => e);
    expect(check).toMatchObject({ code: 'PLUGIN_AUTH', details: { pluginCode: 'HTTP_401' } });
    const { rows, error } = await readAll(reader, config());
    expect(rows).toEqual([]);
    expect(error).toMatchObject({ code: 'PLUGIN_AUTH', details: { pluginCode: 'HTTP_401' } });
    expect(error!.message).not.toContain('wrong');
    expect(api.hits.map((h) => h.status)).toEqual([401, 401]);
  });

  it('incremental: the next run sends the checkpoint as `since` and gets only newer records', async () => {
    const reader = await openReader();
    const first = await readAll(reader, config());
    expect(first.rows).toHaveLength(7);
    const checkpoint = first.batches.at(-1)!.checkpoint!;

    api.items.push(item(8), item(9));
    api.hits.length = 0;
    try {
      const second = await readAll(reader, config(), checkpoint);
      expect(second.error).toBeUndefined();
      expect(second.rows).toEqual([item(8), item(9)]);
      expect(api.hits.map((h) => h.url.searchParams.get('since'))).toEqual(['2024-01-07T00:00:00Z']);
      expect(JSON.parse(second.batches.at(-1)!.checkpoint!)).toEqual({ cursor_field: 'updated_at', max: '2024-01-09T00:00:00Z' });

      // Nothing newer: no batch, the checkpoint stays where it is.
      const third = await readAll(reader, config(), second.batches.at(-1)!.checkpoint);
      expect(third.error).toBeUndefined();
      expect(third.batches).toEqual([]);
    } finally {
      api.items.splice(7);
    }
  });

  it('a base_url outside the allow list: CAPABILITY_DENIED, and no request leaves', async () => {
    const reader = await openReader();
    const started = Date.now();
    const port = Number(new URL(api.origin).port);
    const other = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`;
    const { rows, error } = await readAll(reader, config({ base_url: other }));
    expect(rows).toEqual([]);
    expect(error).toMatchObject({ code: 'CAPABILITY_DENIED', details: { capability: 'http', target: other } });
    expect(Date.now() - started).toBeLessThan(10_000);
    const viaLocalhost = await readAll(reader, config({ base_url: api.origin.replace('127.0.0.1', 'localhost') }));
    expect(viaLocalhost.error).toMatchObject({ code: 'CAPABILITY_DENIED' });
    expect(api.hits).toEqual([]);
    // A refusal looks like a network failure to the guest: retried at most twice per read.
    expect(logs.records.filter((r) => r.msg === 'retrying request').length).toBeLessThanOrEqual(4);
  });

  it('a config error is PLUGIN_CONFIG naming the field', async () => {
    const reader = await openReader();
    const e = await reader.check({ path: '/v1/items' }).catch((err: HostError) => err);
    expect(e).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'CONFIG_INVALID' } });
    expect((e as HostError).message).toContain('base_url');
  });
});
