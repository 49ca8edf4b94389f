import { describe, expect, it } from 'vitest';
import { manifestSchema, resolveManifestPaths } from '../../config/manifest.js';
import { findingsOf } from './findings.js';

const DIGEST = 'a'.repeat(64);
const manifest = (capabilities: Record<string, unknown>, limits: Record<string, number> = {}) =>
  resolveManifestPaths(
    manifestSchema.parse({ name: 'p', version: '0.1.0', kind: 'reader', contract: '0.1.0', component: 'p.wasm', sha256: DIGEST, capabilities, limits }),
    '/x/plugin.yaml',
  );
const ids = (caps: Record<string, unknown>, imports: string[], limits?: Record<string, number>) =>
  findingsOf(manifest(caps, limits), imports, DIGEST).map((f) => f.id);

const HTTP = ['wasi:http/types@0.2.12', 'wasi:http/outgoing-handler@0.2.12'];
const TCP = ['wasi:sockets/tcp@0.2.12', 'wasi:sockets/tcp-create-socket@0.2.12'];

describe('findingsOf', () => {
  it('wildcards, private and loopback addresses, plain http', () => {
    expect(ids({ http: ['https://*.example.com', 'http://10.0.0.5:*', 'http://localhost:8080', 'https://[::1]'] }, HTTP)).toEqual([
      'wildcard:http:https://*.example.com', 'wildcard:http:http://10.0.0.5:*',
      'private-address:http:http://10.0.0.5:*', 'plain-http:http://10.0.0.5:*',
      'private-address:http:http://localhost:8080', 'plain-http:http://localhost:8080',
      'private-address:http:https://[::1]',
    ]);
  });

  it('TCP grants, wildcard and private TCP, a secret, an env name, a raised limit', () => {
    expect(ids({ tcp: ['*.db.internal:5432', '192.168.1.4:6379'], env: ['TZ'], secrets: ['token'] }, [...TCP, 'wasi:cli/environment@0.2.12', 'dativo:plugin/secrets@0.1.0'], { memory_mb: 1024 })).toEqual([
      'tcp:*.db.internal:5432', 'wildcard:tcp:*.db.internal:5432', 'tcp:192.168.1.4:6379', 'private-address:tcp:192.168.1.4:6379',
      'env:TZ', 'secret:token', 'limit:memory_mb',
    ]);
  });

  it('a grant with no import blocks; an import with no grant does not; UDP is never granted', () => {
    const f = findingsOf(manifest({ tcp: ['db.example.com:5432'], secrets: ['token'] }), ['wasi:sockets/udp@0.2.12', 'wasi:http/types@0.2.12'], 'b'.repeat(64));
    expect(f.filter((x) => x.blocking).map((x) => x.id)).toEqual(['digest-mismatch', 'unused-grant:tcp', 'unused-grant:secrets']);
    expect(f.filter((x) => !x.blocking).map((x) => x.id)).toEqual(['ungranted-import:http', 'ungranted-import:sockets-udp', 'tcp:db.example.com:5432', 'secret:token']);
  });

  it('an import the host does not provide', () => {
    expect(ids({}, ['wasi:keyvalue/store@0.2.0'])).toEqual(['unknown-import:wasi:keyvalue/store@0.2.0']);
  });
});
