/**
 * The gcp secret manager against a local gRPC server serving AccessSecretVersion from the
 * official protos (test/secrets/gcp-server.ts: Google publishes no emulator).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedSecretManager } from '../../host/src/secrets/cached-secret-manager.js';
import { createSecretManager } from '../../host/src/secrets/create-secret-manager.js';
import { GcpSecretManager, type GcpSecretsConfig } from '../../host/src/secrets/gcp.js';
import { startGcpSecretManager, type GcpTestServer } from './gcp-server.js';
import { counting, readThroughProbe, runSecretJob } from './probe-secrets.js';

let gcp: GcpTestServer;
const P = 'projects/acme-etl/secrets';
const saved = { creds: process.env.GOOGLE_APPLICATION_CREDENTIALS, metadata: process.env.METADATA_SERVER_DETECTION };

/**
 * A trip wire: Application Default Credentials that name another universe. A client that
 * consulted ADC for the plaintext test endpoint fails with a universe mismatch, without a
 * network call; METADATA_SERVER_DETECTION=none keeps any lookup off the metadata address.
 */
function tripWireCredentials(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = join(mkdtempSync(join(tmpdir(), 'gcp-adc-')), 'adc.json');
  writeFileSync(file, JSON.stringify({
    type: 'service_account', project_id: 'adc-project', client_email: 'adc@adc-project.iam.example',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), universe_domain: 'tripwire.example',
  }));
  return { GOOGLE_APPLICATION_CREDENTIALS: file, METADATA_SERVER_DETECTION: 'none' };
}
let adcEnv: Record<string, string>;

beforeAll(async () => {
  adcEnv = tripWireCredentials();
  Object.assign(process.env, adcEnv);
  gcp = await startGcpSecretManager({
    [`${P}/dativo-api_token`]: { versions: ['tok-gcp-5d1e'] },
    [`${P}/prod-db`]: { versions: [JSON.stringify({ user: 'etl', password: 'pw-gcp-77aa', port: 5432 })] },
    [`${P}/rotating`]: { versions: ['v1-old', 'v2-current', 'v3-disabled'], disabled: [3] },
    [`${P}/locked`]: { versions: ['never-seen-0c4f'], readable: false },
    [`${P}/damaged`]: { versions: ['bits-9f01'], corrupt: true },
    ['projects/other-proj/secrets/shared']: { versions: ['from-other-project'] },
  });
});
afterAll(async () => {
  await gcp?.stop();
  for (const [k, v] of [['GOOGLE_APPLICATION_CREDENTIALS', saved.creds], ['METADATA_SERVER_DETECTION', saved.metadata]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const manager = (extra: Partial<GcpSecretsConfig> = {}, keys?: Record<string, string>) =>
  new GcpSecretManager({ project: 'acme-etl', endpoint: gcp.url, ...extra, keys });

describe('gcp secret manager (local AccessSecretVersion server)', () => {
  it('reads <prefix><name>, a JSON key by a key selector, versions and full resource names', async () => {
    expect(await manager({ prefix: 'dativo-' }).get('api_token')).toBe('tok-gcp-5d1e');
    const keys = { db_password: 'prod-db#password', db_port: 'prod-db#port', db: 'prod-db' };
    expect(await manager({}, keys).get('db_password')).toBe('pw-gcp-77aa');
    expect(await manager({}, keys).get('db_port')).toBe('5432');
    expect(JSON.parse((await manager({}, keys).get('db'))!)).toMatchObject({ user: 'etl' });
    // latest is the newest enabled version; a job-wide version; a version in the reference.
    expect(await manager().get('rotating')).toBe('v2-current');
    expect(await manager({ version: '1' }).get('rotating')).toBe('v1-old');
    expect(await manager({}, { r: `${P}/rotating/versions/1` }).get('r')).toBe('v1-old');
    expect(await manager({}, { s: 'projects/other-proj/secrets/shared' }).get('s')).toBe('from-other-project');
    expect(gcp.asked()).toContain(`${P}/rotating/versions/latest`);
    expect(gcp.asked()).toContain('projects/other-proj/secrets/shared/versions/latest');
    // Plaintext to a test endpoint: no credentials were sent.
    expect(new Set(gcp.authorization())).toEqual(new Set(['']));
  });

  it('a missing secret, version or key is undefined; a non-JSON secret with a selector names the key, not the value', async () => {
    expect(await manager().get('no_such_secret')).toBeUndefined();
    expect(await manager({ version: '9' }).get('rotating')).toBeUndefined();
    expect(await manager({}, { x: 'prod-db#nope' }).get('x')).toBeUndefined();
    const err = await manager({}, { tok: 'dativo-api_token#field' }).get('tok').catch((e) => e);
    expect(err).toMatchObject({ code: 'SECRET_INVALID', details: { manager: 'gcp', secret: 'tok' } });
    expect(err.message).toContain('secret manager gcp: secret "tok"');
    expect(err.message).not.toContain('tok-gcp-5d1e');
  });

  it('refusals: PERMISSION_DENIED is SECRET_MANAGER_AUTH, a disabled version FAILED, a bad checksum SECRET_INVALID', async () => {
    const denied = await manager().get('locked').catch((e) => e);
    expect(denied).toMatchObject({ code: 'SECRET_MANAGER_AUTH', retryable: false, details: { manager: 'gcp', secret: 'locked' } });
    expect(denied.message).toContain(`${P}/locked/versions/latest`);
    expect(denied.message).toContain('gRPC 7');
    const disabled = await manager({ version: '3' }).get('rotating').catch((e) => e);
    expect(disabled).toMatchObject({ code: 'SECRET_MANAGER_FAILED', details: { manager: 'gcp' } });
    expect(disabled.message).toContain('DISABLED');
    const damaged = await manager().get('damaged').catch((e) => e);
    expect(damaged).toMatchObject({ code: 'SECRET_INVALID', details: { manager: 'gcp', secret: 'damaged' } });
    expect(damaged.message).not.toContain('bits-9f01');
  });

  it('an unreachable service: SECRET_MANAGER_UNREACHABLE naming the manager and key', async () => {
    const down = new GcpSecretManager({ project: 'acme-etl', endpoint: 'http://127.0.0.1:9' });
    const e = await down.get('api_token').catch((x) => x);
    expect(e).toMatchObject({ code: 'SECRET_MANAGER_UNREACHABLE', retryable: true, details: { manager: 'gcp', secret: 'api_token' } });
  });

  it('through a plugin: only granted names are fetched, once per run, and the value is never logged', async () => {
    const before = gcp.asked().length;
    const inner = counting(manager({ prefix: 'dativo-' }));
    const { reads, logs } = await readThroughProbe(new CachedSecretManager(inner), ['api_token'], 'api_token', 2);
    expect(reads.map((r) => r.value)).toEqual(['tok-gcp-5d1e', 'tok-gcp-5d1e']);
    expect(inner.asked).toEqual(['api_token']);
    expect(gcp.asked().slice(before)).toEqual([`${P}/dativo-api_token/versions/latest`]);
    expect(JSON.stringify(logs.records)).not.toContain('tok-gcp-5d1e');
    expect(logs.audits('secret.read')).toHaveLength(2);
    const job = createSecretManager({ manager: 'gcp', gcp: { project: 'acme-etl', endpoint: gcp.url } }, 'job.yaml');
    expect(job).toBeInstanceOf(CachedSecretManager);
  });

  it('a granted secret the manager lacks: the plugin is told the key and the manager (ts probe: it sees the message)', async () => {
    const m = createSecretManager({ manager: 'gcp', gcp: { project: 'acme-etl', endpoint: gcp.url } }, 'job.yaml');
    const { reads } = await readThroughProbe(m, ['absent'], 'absent', 1, 'ts');
    expect(reads[0]).toMatchObject({ ok: false });
    expect(reads[0]!.error).toContain('secret "absent" is not set in the job\'s secret manager (gcp)');
  });

  it('a CLI run: the granted plugin reads the secret; the value is in no log line and not on stderr', () => {
    const before = gcp.asked().length;
    const r = runSecretJob({ manager: 'gcp', gcp: { endpoint: gcp.url, project: 'acme-etl', prefix: 'dativo-' } }, adcEnv);
    expect(r.stderr).toMatch(/secret\.read[^\n]*api_token|api_token[^\n]*secret\.read/);
    expect(gcp.asked().slice(before)).toEqual([`${P}/dativo-api_token/versions/latest`]);
    expect(r.stderr + r.stdout).not.toContain('tok-gcp-5d1e');
  });
});
