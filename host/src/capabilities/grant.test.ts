import { describe, expect, it } from 'vitest';
import { effectiveGrant } from './grant.js';
import { manifestSchema, resolveManifestPaths } from '../config/manifest.js';

const manifest = (capabilities: Record<string, unknown>, limits: Record<string, unknown> = {}) =>
  resolveManifestPaths(
    manifestSchema.parse({ name: 'p', version: '1.0.0', kind: 'reader', contract: '0.1.0', component: 'p.wasm', sha256: 'a'.repeat(64), capabilities, limits }),
    '/plugins/p/plugin.yaml',
  );

describe('effective grant', () => {
  it('is the manifest when loaded without a policy (no ceiling)', () => {
    const m = manifest({ http: ['https://api.x.com'], env: ['TZ'], filesystem: [{ guest: '/data', access: 'read-write' }] });
    const { grant, narrowed } = effectiveGrant(m, undefined, { '/data': '/srv/data' });
    expect(grant.http).toEqual(['https://api.x.com']);
    expect(grant.filesystem).toEqual([{ guest: '/data', host: '/srv/data', readOnly: false }]);
    expect(narrowed).toEqual([]);
  });
  it('narrows every capability by the policy and never widens', () => {
    const m = manifest(
      {
        http: ['https://api.x.com', 'https://evil.org'],
        tcp: ['db.x.com:5432', 'db.x.com:22'],
        env: ['TZ', 'HOME'],
        secrets: ['token', 'admin'],
        filesystem: [
          { guest: '/data', access: 'read-write' },
          { guest: '/etc', access: 'read' },
        ],
      },
      { memory_mb: 512 },
    );
    const { grant, narrowed } = effectiveGrant(m, {
      http: ['https://*.x.com', 'https://never-in-manifest.com'],
      tcp: ['db.x.com:5432'],
      env: ['TZ', 'PATH'],
      secrets: ['token'],
      filesystem: [{ host: '/srv', access: 'read' }],
      limits: { memory_mb: 128, call_timeout_ms: 999_999 },
    }, { '/data': '/srv/data', '/etc': '/etc' });
    expect(grant.http).toEqual(['https://api.x.com']);
    expect(grant.tcp).toEqual(['db.x.com:5432']);
    expect(grant.env).toEqual(['TZ']);
    expect(grant.secrets).toEqual(['token']);
    expect(grant.filesystem).toEqual([{ guest: '/data', host: '/srv/data', readOnly: true }]);
    expect(grant.limits.memoryMb).toBe(128);
    expect(grant.limits.callTimeoutMs).toBe(30_000);
    expect(narrowed.map((n) => n.capability).sort()).toEqual(['env', 'filesystem', 'filesystem', 'http', 'secrets', 'tcp']);
  });
  it('a job policy with no list for a kind denies that kind; the job\'s bindings stand', () => {
    const m = manifest({ http: ['https://api.x.com'], tcp: ['db:5432'], env: ['TZ'], secrets: ['t'], filesystem: [{ guest: '/d' }] });
    const { grant, narrowed } = effectiveGrant(m, {}, { '/d': '/srv/d' });
    expect([grant.http, grant.tcp, grant.env, grant.secrets]).toEqual([[], [], [], []]);
    expect(grant.filesystem).toEqual([{ guest: '/d', host: '/srv/d', readOnly: true }]);
    expect(narrowed).toContainEqual({ capability: 'env', entry: 'TZ', reason: 'the job policy has no env list' });
    expect(narrowed).toHaveLength(4);
  });
  it('host folders come from the job only: an entry without a binding is refused', () => {
    expect(() => effectiveGrant(manifest({ filesystem: [{ guest: '/d' }] }), undefined, {})).toThrow(/needs a host folder for \/d/);
  });
  it('a manifest naming a host folder is refused', () => {
    expect(() => manifest({ filesystem: [{ guest: '/', host: '/', access: 'read-write' }] })).toThrow(/cannot name a host folder/);
  });
});
