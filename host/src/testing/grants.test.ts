import { describe, expect, it } from 'vitest';
import { resolveManifestPaths, manifestSchema, type PluginManifest } from '../config/manifest.js';
import { applyGrants } from './grants.js';

const manifest = (capabilities: Record<string, unknown> = {}): PluginManifest =>
  resolveManifestPaths(
    manifestSchema.parse({ name: 'p', version: '0.1.0', kind: 'reader', contract: '0.1.0', component: 'p.wasm', sha256: 'a'.repeat(64), capabilities }),
    '/plugins/p/plugin.yaml',
  );

describe('applyGrants', () => {
  it('adds the test grants to a copy of the manifest, with the job-side values they need', () => {
    const base = manifest({ http: ['https://api.example.com'], secrets: ['api_token'], filesystem: [{ guest: '/data', access: 'read' }] });
    const before = JSON.stringify(base);
    const g = applyGrants(base, {
      folders: { '/data': { host: 'rel/data', access: 'read-write' }, '/cfg': '/etc/app' },
      http: ['http://127.0.0.1:8080', 'https://api.example.com'],
      tcp: ['127.0.0.1:5432'],
      env: { REGION: 'eu' },
      secrets: { api_token: 't', other: 'o' },
    });
    expect(g.manifest.capabilities).toEqual({
      filesystem: [{ guest: '/data', access: 'read-write' }, { guest: '/cfg', access: 'read' }],
      http: ['https://api.example.com', 'http://127.0.0.1:8080'],
      tcp: ['127.0.0.1:5432'],
      env: ['REGION'],
      secrets: ['api_token', 'other'],
    });
    expect(g.bindings).toEqual({ '/data': `${process.cwd()}/rel/data`, '/cfg': '/etc/app' });
    expect(g.env).toEqual({ REGION: 'eu' });
    expect(g.secrets).toEqual({ api_token: 't', other: 'o' });
    expect(JSON.stringify(base)).toBe(before); // the loaded manifest is not changed
    expect(g.manifest.componentPath).toBe('/plugins/p/p.wasm');
  });

  it('no test grants: the manifest as it is, and no env, secrets or bindings', () => {
    const base = manifest({ env: ['HOME'] });
    const g = applyGrants(base);
    expect(g.manifest.capabilities).toEqual(base.capabilities);
    expect([g.bindings, g.env, g.secrets]).toEqual([{}, {}, {}]);
  });
});
