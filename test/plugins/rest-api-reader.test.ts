/**
 * rest-api-reader (plugins-rust/rest-api-reader, built on plugins-rust/dativo-plugin-sdk)
 * end to end: built from source with `plugin build`, loaded through the real host
 * (manifest, sandbox, worker) with a manifest that grants exactly the test server's
 * origin and the `api_token` secret, reading from a real HTTP server on loopback.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
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

const PLUGIN_DIR = join(REPO, 'plugins-rust', 'rest-api-reader');
const SDK_SRC = join(REPO, 'plugins-rust', 'dativo-plugin-sdk', 'src');
const TOKEN = 's3cret-token';

let component: string;

beforeAll(async () => {
  // buildPlugin's freshness check watches the plugin's own sources, not its path
  // dependencies: rebuild when the SDK changed since the last build.
  const wasm = join(PLUGIN_DIR, 'dist', 'rest-api-reader.wasm');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => statSync(join(e.parentPath, e.name)).mtimeMs));
  try {
    if (statSync(wasm).mtimeMs < newest(SDK_SRC)) rmSync(wasm);
  } catch {
    // not built yet
  }
  const started = Date.now();
  const built = await buildPlugin(PLUGIN_DIR, { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`[rest-api-reader] ${l}\n`)) });
  process.stderr.write(`[rest-api-reader] ${built.built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'up to date'}\n`);
  component = built.component;
}, 900_000);

// ---------------------------------------------------------------------------
// The API: GET /v1/items?cursor=N&since=T, 3 records a page, bearer token required.

interface Item {
  id: number;
  name: string;
  updated_at: string;
}

const item = (i: number): Item => ({ id: i, name: `item ${i}`, updated_at: `2024-01-${String(i).padStart(2, '0')}T00:00:00Z` });

type Api = PagedApi<Item>;
const startApi = (items: Item[]) => startPagedApi(items, TOKEN);

// ---------------------------------------------------------------------------
// Running the reader through the host.

let api: Api;
let readers: ReaderClient[] = [];
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

async function openReader(opts: { token?: string; http?: string[] } = {}): Promise<ReaderClient> {
  const manifest = writeManifest(component, {
    name: 'rest-api-reader',
    capabilities: { http: opts.http ?? [api.origin], secrets: ['api_token'] },
  });
  const plugin = await loadPlugin({
    manifest,
    env: {},
    secrets: new StaticSecretManager({ api_token: opts.token ?? TOKEN }),
    logger: createLogger({ destination: new MemoryLogDestination(), level: 'debug' }),
  });
  const reader = await plugin.openReader();
  readers.push(reader);
  return reader;
}

const config = (over: Record<string, unknown> = {}) => ({
  base_url: api.origin,
  path: '/v1/items',
  auth: { type: 'bearer', secret: 'api_token' },
  pagination: { type: 'cursor', cursor_param: 'cursor', next_cursor_pointer: '/next_cursor', records_pointer: '/data' },
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

// ---------------------------------------------------------------------------

describe('rest-api-reader', () => {
  it('spec and discover: JSON Lines, one stream named after the path, incremental on the cursor field', async () => {
    const reader = await openReader();
    const spec = await reader.spec();
    expect(spec).toMatchObject({ version: '0.1.0', encodings: ['json-lines'], configSchema: { type: 'object', required: ['base_url'] } });
    expect(await reader.discover(config({ primary_key: ['id'] }))).toEqual([
      { name: 'items', jsonSchema: { type: 'object' }, primaryKey: ['id'], cursorFields: ['updated_at'], supportsIncremental: true },
    ]);
    expect(api.hits).toEqual([]); // discover does not call the API
  });

  it('check calls the API with the token from the secret manager', async () => {
    const reader = await openReader();
    await expect(reader.check(config())).resolves.toBeUndefined();
    expect(api.hits.map((h) => [h.url.pathname, h.status, h.authorization])).toEqual([['/v1/items', 200, `Bearer ${TOKEN}`]]);
  });

  it('reads all 3 pages, waiting out a 429 with Retry-After: 1, and checkpoints the max cursor on the last batch', async () => {
    api.throttleCursor = '3'; // the request for page 2 is throttled once
    const reader = await openReader();
    const { batches, rows, error } = await readAll(reader, config());
    expect(error).toBeUndefined();
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7].map(item));
    expect(batches.map((b) => b.encoding)).toEqual(['json-lines', 'json-lines', 'json-lines']);
    expect(batches.map((b) => b.checkpoint)).toEqual([undefined, undefined, JSON.stringify({ cursor_field: 'updated_at', max: '2024-01-07T00:00:00Z' })]);

    expect(api.hits.map((h) => [h.url.searchParams.get('cursor'), h.status])).toEqual([
      [null, 200],
      ['3', 429],
      ['3', 200],
      ['6', 200],
    ]);
    expect(api.hits[2]!.at - api.hits[1]!.at).toBeGreaterThanOrEqual(950); // Retry-After honoured
    expect(api.hits.every((h) => h.authorization === `Bearer ${TOKEN}` && !h.url.searchParams.has('since'))).toBe(true);
  });

  it('a wrong token: PLUGIN_AUTH (HTTP_401), from check and from a read, without retries', async () => {
    const reader = await openReader({ token: 'wrong' });
    const check = await reader.check(config()).catch((e: HostError) => e);
    expect(check).toMatchObject({ code: 'PLUGIN_AUTH', details: { pluginCode: 'HTTP_401' } });
    const { rows, error } = await readAll(reader, config());
    expect(rows).toEqual([]);
    expect(error).toMatchObject({ code: 'PLUGIN_AUTH', details: { pluginCode: 'HTTP_401' } });
    expect(error!.message).not.toContain('wrong');
    expect(api.hits.map((h) => h.status)).toEqual([401, 401]);
  });

  it('incremental: the next read sends the checkpoint as the since parameter and gets only newer records', async () => {
    const reader = await openReader();
    const first = await readAll(reader, config());
    expect(first.rows).toHaveLength(7);
    const checkpoint = first.batches.at(-1)!.checkpoint!;

    api.items.push(item(8), item(9));
    api.hits.length = 0;
    const second = await readAll(reader, config(), checkpoint);
    expect(second.error).toBeUndefined();
    expect(second.rows).toEqual([item(8), item(9)]);
    expect(api.hits.map((h) => h.url.searchParams.get('since'))).toEqual(['2024-01-07T00:00:00Z']);
    expect(JSON.parse(second.batches.at(-1)!.checkpoint!)).toEqual({ cursor_field: 'updated_at', max: '2024-01-09T00:00:00Z' });

    // Nothing newer: no batch, the checkpoint stays where it is.
    const third = await readAll(reader, config(), second.batches.at(-1)!.checkpoint);
    expect(third.error).toBeUndefined();
    expect(third.batches).toEqual([]);
    api.items.splice(7);
  });

  it('a base_url whose origin is not in the allow list: CAPABILITY_DENIED, and no request leaves', async () => {
    const reader = await openReader();
    const port = Number(new URL(api.origin).port);
    const other = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`;
    const { rows, error } = await readAll(reader, config({ base_url: other }));
    expect(rows).toEqual([]);
    expect(error).toMatchObject({ code: 'CAPABILITY_DENIED' });
    expect(error!.message).toContain(other.replace('http://', ''));
    const viaLocalhost = await readAll(reader, config({ base_url: api.origin.replace('127.0.0.1', 'localhost') }));
    expect(viaLocalhost.error).toMatchObject({ code: 'CAPABILITY_DENIED' });
    expect(api.hits).toEqual([]);
  });

  it('a config error is PLUGIN_CONFIG naming the field', async () => {
    const reader = await openReader();
    const e = await reader.check({ path: '/v1/items' }).catch((err: HostError) => err);
    expect(e).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'CONFIG_INVALID' } });
    expect((e as HostError).message).toContain('base_url');
  });
});
