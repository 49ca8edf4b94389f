import { describe, expect, it } from 'vitest';
import { effectiveGrant } from './grant.js';
import { manifestSchema, resolveManifestPaths } from '../config/manifest.js';

const manifest = (capabilities: Record<string, unknown>, limits: Record<string, unknown> = {}) =>
  resolveManifestPaths(
    manifestSchema.parse({ name: 'p', version: '1.0.0', kind: 'reader', contract: '0.1.0', component: 'p.wasm', sha256: 'a'.repeat(64), capabilities, limits }),
    '/plugins/p/plugin.yaml',
  );

describe('effective grant', () => {
  it('is the manifest when the job has no policy', () => {
    const { grant, narrowed } = effectiveGrant(manifest({ http: ['https://api.x.com'], env: ['TZ'], filesystem: [{ guest: '/data', host: '/srv/data', access: 'read-write' }] }));
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
          { guest: '/data', host: '/srv/data', access: 'read-write' },
          { guest: '/etc', host: '/etc', access: 'read' },
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
    });
    expect(grant.http).toEqual(['https://api.x.com']);
    expect(grant.tcp).toEqual(['db.x.com:5432']);
    expect(grant.env).toEqual(['TZ']);
    expect(grant.secrets).toEqual(['token']);
    expect(grant.filesystem).toEqual([{ guest: '/data', host: '/srv/data', readOnly: true }]);
    expect(grant.limits.memoryMb).toBe(128);
    expect(grant.limits.callTimeoutMs).toBe(30_000);
    expect(narrowed.map((n) => n.capability).sort()).toEqual(['env', 'filesystem', 'filesystem', 'http', 'secrets', 'tcp']);
  });
  it('resolves relative host paths against the manifest folder', () => {
    const { grant } = effectiveGrant(manifest({ filesystem: [{ guest: '/d', host: './data' }] }));
    expect(grant.filesystem[0]).toEqual({ guest: '/d', host: '/plugins/p/data', readOnly: true });
  });
});
