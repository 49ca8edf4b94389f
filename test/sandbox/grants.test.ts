/**
 * Where grants come from (issue 11, item 11): host folders from the job only (bindings),
 * a job policy without a list for a kind denies that kind, and every grant is an audit
 * record when the plugin is loaded.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJob } from '../../host/src/config/job.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { fixture, tempDir, writeManifest } from '../helpers/fixtures.js';
import { runProbe } from '../helpers/probe.js';

describe('grants (rust probe)', () => {
  it('refuses a manifest that names a host folder (a plugin asking for / read-write)', async () => {
    const manifest = writeManifest(fixture('rust', 'probe-reader'), {
      capabilities: { filesystem: [{ guest: '/', host: '/', access: 'read-write' }] },
    });
    await expect(loadPlugin({ manifest })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('cannot name a host folder'),
    });
  });

  it('a job policy with no env list denies env: the guest sees nothing, the narrowing is audited', async () => {
    const r = await runProbe({ action: 'env', name: 'TZ' }, { capabilities: { env: ['TZ'] }, env: { TZ: 'Europe/Paris' }, policy: { http: [] } });
    expect(r.report).toEqual({ action: 'env', ok: true, value: null });
    expect(r.logs.audits('grant.narrowed')).toContainEqual(expect.objectContaining({ capability: 'env', entry: 'TZ', reason: 'the job policy has no env list' }));
    const allowed = await runProbe({ action: 'env', name: 'TZ' }, { capabilities: { env: ['TZ'] }, env: { TZ: 'Europe/Paris' }, policy: { env: ['TZ'] } });
    expect(allowed.report).toEqual({ action: 'env', ok: true, value: 'Europe/Paris' });
  });

  it('a job without a policy block has the empty ceiling', () => {
    const dir = tempDir();
    const file = join(dir, 'job.yaml');
    writeFileSync(file, 'tenant_id: t\nsource_connector: csv\ntarget_connector: local\nasset_path: c.yaml\nsource: {}\ntarget: {}\n');
    const { review: _r, config: _c, ...ceiling } = loadJob(file, {}).capabilityPolicy!;
    expect(ceiling).toEqual({ filesystem: undefined });
  });

  it('every grant, of every kind, is an audit record at load', async () => {
    const data = tempDir();
    const r = await runProbe(
      { action: 'env', name: 'TZ' },
      {
        capabilities: { filesystem: [{ guest: '/data', host: data, access: 'read' }], http: ['https://api.example.com'], tcp: ['db.example.com:5432'], env: ['TZ'], secrets: ['token'] },
        secrets: { token: 'value-of-token' },
      },
    );
    expect(r.error).toBeUndefined();
    const granted = r.logs.audits('capability.granted').map(({ capability, entry, guest, host, access }) => ({ capability, entry, guest, host, access }));
    expect(granted).toEqual([
      { capability: 'filesystem', entry: undefined, guest: '/data', host: data, access: 'read' },
      { capability: 'http', entry: 'https://api.example.com', guest: undefined, host: undefined, access: undefined },
      { capability: 'tcp', entry: 'db.example.com:5432', guest: undefined, host: undefined, access: undefined },
      { capability: 'env', entry: 'TZ', guest: undefined, host: undefined, access: undefined },
      { capability: 'secrets', entry: 'token', guest: undefined, host: undefined, access: undefined },
    ]);
  });
});
