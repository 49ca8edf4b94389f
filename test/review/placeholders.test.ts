/**
 * Grants a job supplies: the shipped REST reader's component with a manifest whose HTTP
 * grant is `{{ config.base_url }}`, run against a real API on loopback. The job's config
 * fills it, the job's policy must still allow the concrete origin, review and approval
 * cover the template, and the audit records name the concrete origin.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvePlugin } from '../../host/src/capabilities/review/approve.js';
import { reviewPlugin } from '../../host/src/capabilities/review/review.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { loadPlugin, type LoadPluginOptions } from '../../host/src/runtime/load-plugin.js';
import { StaticSecretManager } from '../../host/src/secrets/secret-manager.js';
import { shippedComponent, tempDir, writeManifest } from '../helpers/fixtures.js';
import { startPagedApi, type PagedApi } from '../helpers/paged-api.js';
import { reviewWorkspace } from './workspace.js';

const TOKEN = 'placeholder-token';
const TEMPLATE = '{{ config.base_url }}';
interface Item { id: number; name: string; updated_at: string }
const item = (i: number): Item => ({ id: i, name: `item ${i}`, updated_at: `2024-01-${String(i).padStart(2, '0')}T00:00:00Z` });

let api: PagedApi<Item>;
let manifest: string;
beforeAll(async () => {
  api = await startPagedApi([1, 2, 3, 4, 5].map(item), TOKEN);
  manifest = writeManifest(shippedComponent('rest-api-reader'), {
    name: 'rest-api-reader',
    capabilities: { http: [TEMPLATE], secrets: ['api_token'] },
    limits: { call_timeout_ms: 120000 },
  });
});
afterAll(() => api.close());

const config = (base = api.origin) => ({
  base_url: `${base}/v1`,
  path: '/items',
  auth: { type: 'bearer', secret: 'api_token' },
  pagination: { type: 'cursor', cursor_param: 'cursor', next_cursor_pointer: '/next_cursor', records_pointer: '/data' },
});

async function check(opts: Partial<LoadPluginOptions>, cfg = config()) {
  const dest = new MemoryLogDestination();
  const logger = createLogger({ destination: dest, level: 'info' });
  const hits = api.hits.length;
  let error: HostError | undefined;
  try {
    const reader = await (await loadPlugin({ manifest, env: {}, logger, secrets: new StaticSecretManager({ api_token: TOKEN }), ...opts })).openReader();
    try {
      await reader.check(cfg);
    } finally {
      await reader.close();
    }
  } catch (e) {
    error = e as HostError;
  }
  return { error, audits: dest, requests: api.hits.length - hits };
}

describe('an HTTP grant bound to a config key', () => {
  it('the config fills it; the policy allows the concrete origin; the audit names it', async () => {
    const r = await check({ config: config(), policy: { http: [api.origin], secrets: ['api_token'] } });
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(1);
    expect(r.audits.audits('grant.placeholder')).toEqual([expect.objectContaining({ template: TEMPLATE, key: 'base_url', entry: api.origin })]);
    expect(r.audits.audits('capability.granted')).toContainEqual(expect.objectContaining({ capability: 'http', entry: api.origin }));
  });

  it('a policy that does not allow the concrete origin narrows it away: no request leaves', async () => {
    const r = await check({ config: config(), policy: { http: ['https://api.example.com'], secrets: ['api_token'] } });
    expect(r.error).toMatchObject({ code: 'CAPABILITY_DENIED' });
    expect(r.requests).toBe(0);
    expect(r.audits.audits('grant.narrowed')).toContainEqual(expect.objectContaining({ capability: 'http', entry: api.origin }));
  });

  it('a missing key, a value with credentials or a wildcard is PLUGIN_PLACEHOLDER_INVALID', async () => {
    for (const cfg of [{}, { base_url: 'https://user:pw@api.example.com' }, { base_url: 'not a url' }, { base_url: 'https://*.example.com' }]) {
      const r = await check({ config: cfg, policy: { http: ['*://*:*'] } });
      expect(r.error).toMatchObject({ code: 'PLUGIN_PLACEHOLDER_INVALID', details: { template: TEMPLATE, key: 'base_url' } });
    }
  });

  it('review flags the template, an approval covers it, a concrete host in its place is a difference', async () => {
    const ws = reviewWorkspace();
    const review = await reviewPlugin(manifest, { lock: ws.lock });
    expect(review.capabilities.http).toEqual([TEMPLATE]);
    expect(review.findings.find((f) => f.id === `placeholder:http:${TEMPLATE}`)).toMatchObject({ severity: 'info', blocking: false });
    await approvePlugin(manifest, { reviewer: 'alice', key: ws.key, lock: ws.lock });
    const reviewed = { require: true, lock: ws.lock, trustedKeys: ws.trusted };
    const ok = await check({ config: config(), review: reviewed, policy: { http: [api.origin], secrets: ['api_token'] } });
    expect(ok.error).toBeUndefined();
    expect(ok.audits.audits('review.verified')).toHaveLength(1);

    const concrete = writeManifest(shippedComponent('rest-api-reader'), { name: 'rest-api-reader', capabilities: { http: [api.origin], secrets: ['api_token'] }, limits: { call_timeout_ms: 120000 } });
    const dest = new MemoryLogDestination();
    await expect(loadPlugin({ manifest: concrete, review: reviewed, logger: createLogger({ destination: dest }) })).rejects.toMatchObject({
      code: 'PLUGIN_REVIEW_MISMATCH', message: expect.stringContaining(`new http grant ${api.origin}`),
    });
  });
});

describe('a job supplies the origin', () => {
  it('source.config.base_url fills the template; the job runs under its policy', async () => {
    const dir = tempDir('dativo-placeholder-job-');
    writeFileSync(join(dir, 'items.odcs.yaml'), stringify({
      apiVersion: 'v3.0.2', kind: 'DataContract', id: 'items-1', name: 'items', version: '1.0.0', status: 'active',
      schema: [{ name: 'items', logicalType: 'object', properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
        { name: 'name', logicalType: 'string', required: true },
        { name: 'updated_at', logicalType: 'string', required: true },
      ] }],
    }));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ api_token: TOKEN }));
    const job = (http: string[]) => {
      writeFileSync(join(dir, 'job.yaml'), stringify({
        tenant_id: 'acme', source_connector: 'rest_api', target_connector: 'local', asset_path: 'items.odcs.yaml',
        source: { plugin: manifest, objects: ['items'], config: config() },
        target: { connection: { local: { path: 'out' } } },
        secrets: { manager: 'file', path: 'secrets.json' },
        policy: { http, secrets: ['api_token'] },
        state: { path: 'state' },
      }));
      return join(dir, 'job.yaml');
    };
    const dest = new MemoryLogDestination();
    const summary = await runJob(job([api.origin]), { logger: createLogger({ destination: dest, level: 'info' }) });
    expect(summary).toMatchObject({ status: 'succeeded', records: 5 });
    expect(dest.audits('grant.placeholder')).toContainEqual(expect.objectContaining({ template: TEMPLATE, entry: api.origin }));
    await expect(runJob(job(['https://api.example.com']), { logger: createLogger({ destination: new MemoryLogDestination() }) })).rejects.toMatchObject({ code: 'CAPABILITY_DENIED' });
  });
});
