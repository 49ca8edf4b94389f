/**
 * The vault secret manager against a real Vault server on loopback: Vault v1.21.0's own
 * core and HTTP API in dev mode (test/fixtures/go/vault-dev, built by .ci/install-vault.sh).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedSecretManager } from '../../host/src/secrets/cached-secret-manager.js';
import { createSecretManager } from '../../host/src/secrets/create-secret-manager.js';
import { VaultSecretManager, type VaultSecretsConfig } from '../../host/src/secrets/vault.js';
import { counting, readThroughProbe, runSecretJob } from './probe-secrets.js';
import { startVault, VAULT_ROOT_TOKEN, type TestServer } from './servers.js';

let vault: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'vault-test-'));
const k8s = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SA = 'system:serviceaccount:etl:dativo';
let approle: { role_id: string; secret_id: string };
let shortRole: { role_id: string; secret_id: string };

/** One call with the root token; throws on an error status. */
async function root(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${vault.url}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': VAULT_ROOT_TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** A Kubernetes-style service account JWT (RS256) signed by `key`. */
function serviceAccountJwt(key: KeyObject, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = { iss: 'https://kubernetes.default.svc', sub: SA, aud: ['vault'], iat: now, nbf: now - 5, exp: now + 600, ...claims };
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(body)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

async function roleCredentials(role: string) {
  const { data: r } = await root('GET', `auth/approle/role/${role}/role-id`);
  const { data: s } = await root('POST', `auth/approle/role/${role}/secret-id`, {});
  return { role_id: r.role_id as string, secret_id: s.secret_id as string };
}

beforeAll(async () => {
  vault = await startVault();
  await root('POST', 'secret/data/dativo/api_token', { data: { value: 'tok-vault-4b2c' } });
  await root('POST', 'secret/data/prod/db', { data: { password: 'pw-vault-e81f', port: 5432 } });
  await root('POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' } });
  await root('POST', 'kv1/dativo/api_token', { value: 'tok-kv1-a9d0' });
  await root('PUT', 'sys/policies/acl/read-secrets', {
    policy: 'path "secret/data/*" { capabilities = ["read"] }\npath "kv1/*" { capabilities = ["read"] }',
  });
  await root('POST', 'sys/auth/approle', { type: 'approle' });
  await root('POST', 'auth/approle/role/etl', { token_policies: ['read-secrets'], token_ttl: '10m' });
  // Tokens that live 2 s and cannot be renewed past that: only a new login reads again.
  await root('POST', 'auth/approle/role/short', { token_policies: ['read-secrets'], token_ttl: '2s', token_max_ttl: '2s' });
  approle = await roleCredentials('etl');
  shortRole = await roleCredentials('short');
  await root('POST', 'sys/auth/jwt', { type: 'jwt' });
  await root('POST', 'auth/jwt/config', { jwt_validation_pubkeys: [k8s.publicKey.export({ type: 'spki', format: 'pem' })] });
  await root('POST', 'auth/jwt/role/dativo', {
    role_type: 'jwt', bound_audiences: ['vault'], user_claim: 'sub', bound_subject: SA, token_policies: ['read-secrets'],
  });
}, 120_000);
afterAll(async () => vault?.stop());

const manager = (cfg: Partial<VaultSecretsConfig> = {}, env: NodeJS.ProcessEnv = { VAULT_TOKEN: VAULT_ROOT_TOKEN }) =>
  new VaultSecretManager({ address: vault.url, ...cfg }, env);

describe('vault secret manager (Vault v1.21.0 dev server)', () => {
  it('KV v2 and KV v1: <prefix><name> (field value), <path>#<field>, missing secret or field undefined', async () => {
    expect(await manager({ prefix: 'dativo/' }).get('api_token')).toBe('tok-vault-4b2c');
    const keys = { db_password: 'prod/db#password', db_port: 'prod/db#port', nope: 'prod/db#nope' };
    expect(await manager({ keys }).get('db_password')).toBe('pw-vault-e81f');
    expect(await manager({ keys }).get('db_port')).toBe('5432');
    expect(await manager({ keys }).get('nope')).toBeUndefined();
    expect(await manager().get('no/such/secret')).toBeUndefined();
    expect(await manager({ mount: 'kv1', kv_version: 1, prefix: 'dativo/' }).get('api_token')).toBe('tok-kv1-a9d0');
    // A KV v1 mount read as v2 finds nothing at <mount>/data/...
    expect(await manager({ mount: 'kv1', prefix: 'dativo/' }).get('api_token')).toBeUndefined();
  });

  it('token login: a wrong or missing token is SECRET_MANAGER_AUTH naming the manager and key', async () => {
    const bad = await manager({ prefix: 'dativo/' }, { VAULT_TOKEN: 'not-a-token' }).get('api_token').catch((e) => e);
    expect(bad).toMatchObject({ code: 'SECRET_MANAGER_AUTH', details: { manager: 'vault', secret: 'api_token' } });
    expect(bad.message).toContain('HTTP 403');
    const unset = await manager({}, {}).get('api_token').catch((e) => e);
    expect(unset).toMatchObject({ code: 'SECRET_MANAGER_AUTH' });
    expect(unset.message).toContain('$VAULT_TOKEN is not set');
  });

  it('AppRole login reads with the role\'s policy; a wrong secret id is SECRET_MANAGER_AUTH', async () => {
    const env = { VAULT_ROLE_ID: approle.role_id, VAULT_SECRET_ID: approle.secret_id };
    expect(await manager({ prefix: 'dativo/', auth: { method: 'approle' } }, env).get('api_token')).toBe('tok-vault-4b2c');
    const wrong = { ...env, VAULT_SECRET_ID: '00000000-0000-0000-0000-000000000000' };
    const e = await manager({ prefix: 'dativo/', auth: { method: 'approle' } }, wrong).get('api_token').catch((x) => x);
    expect(e).toMatchObject({ code: 'SECRET_MANAGER_AUTH', details: { manager: 'vault', secret: 'api_token' } });
    expect(e.message).not.toContain(approle.secret_id);
  });

  it('Kubernetes-style JWT login (jwt method, the cluster\'s signing key); another key or subject is refused', async () => {
    const jwtFile = join(dir, 'sa-token');
    writeFileSync(jwtFile, serviceAccountJwt(k8s.privateKey) + '\n');
    const jwt = (file: string) => manager({ prefix: 'dativo/', auth: { method: 'jwt', role: 'dativo', jwt_file: file } }, {});
    expect(await jwt(jwtFile).get('api_token')).toBe('tok-vault-4b2c');
    const other = join(dir, 'other-token');
    writeFileSync(other, serviceAccountJwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
    expect(await jwt(other).get('api_token').catch((e) => e)).toMatchObject({ code: 'SECRET_MANAGER_AUTH' });
    const stranger = join(dir, 'stranger-token');
    writeFileSync(stranger, serviceAccountJwt(k8s.privateKey, { sub: 'system:serviceaccount:etl:other' }));
    expect(await jwt(stranger).get('api_token').catch((e) => e)).toMatchObject({ code: 'SECRET_MANAGER_AUTH' });
    const missing = await jwt(join(dir, 'absent')).get('api_token').catch((e) => e);
    expect(missing).toMatchObject({ code: 'SECRET_MANAGER_AUTH' });
    expect(missing.message).toContain('cannot be read (ENOENT)');
  });

  it('a long run: a renewable 6 s token is renewed before it expires, so reads keep working', async () => {
    const { auth } = await root('POST', 'auth/token/create', { policies: ['read-secrets'], ttl: '6s', explicit_max_ttl: '120s', renewable: true });
    const m = manager({ keys: { a: 'dativo/api_token', b: 'prod/db#password' } }, { VAULT_TOKEN: auth.client_token });
    try {
      expect(await m.get('a')).toBe('tok-vault-4b2c');
      await new Promise((r) => setTimeout(r, 8_000));
      expect(await m.get('b')).toBe('pw-vault-e81f');
      const { data } = await root('POST', 'auth/token/lookup', { token: auth.client_token });
      expect(data.ttl).toBeGreaterThan(0);
    } finally {
      m.close();
    }
  });

  it('a long run: an AppRole token past its max TTL is replaced by a new login', async () => {
    const env = { VAULT_ROLE_ID: shortRole.role_id, VAULT_SECRET_ID: shortRole.secret_id };
    const m = manager({ keys: { a: 'dativo/api_token', b: 'prod/db#password' }, auth: { method: 'approle' } }, env);
    try {
      expect(await m.get('a')).toBe('tok-vault-4b2c');
      await new Promise((r) => setTimeout(r, 3_500));
      expect(await m.get('b')).toBe('pw-vault-e81f');
    } finally {
      m.close();
    }
  });

  it('a token revoked mid-run: approle logs in again and the read succeeds; a token login cannot', async () => {
    const env = { VAULT_ROLE_ID: approle.role_id, VAULT_SECRET_ID: approle.secret_id };
    const m = manager({ keys: { a: 'dativo/api_token', b: 'prod/db#password' }, auth: { method: 'approle' } }, env);
    const { auth } = await root('POST', 'auth/token/create', { policies: ['read-secrets'] });
    const t = manager({ keys: { a: 'dativo/api_token', b: 'prod/db#password' } }, { VAULT_TOKEN: auth.client_token });
    try {
      expect(await m.get('a')).toBe('tok-vault-4b2c');
      expect(await t.get('a')).toBe('tok-vault-4b2c');
      await root('PUT', 'sys/leases/revoke-prefix/auth/approle/login', {});
      await root('POST', 'auth/token/revoke', { token: auth.client_token });
      expect(await m.get('b')).toBe('pw-vault-e81f');
      expect(await t.get('b').catch((e) => e)).toMatchObject({ code: 'SECRET_MANAGER_AUTH', details: { secret: 'b' } });
    } finally {
      m.close();
      t.close();
    }
  });

  it('namespace: X-Vault-Namespace is on every call (the OSS server has no namespaces and ignores it)', async () => {
    // A loopback proxy in front of the real server records what the manager sends.
    const seen: { url: string; ns: string | undefined }[] = [];
    const proxy = createServer((req, res) => {
      seen.push({ url: req.url!, ns: req.headers['x-vault-namespace'] as string | undefined });
      const up = httpRequest(`${vault.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const address = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const env = { VAULT_ROLE_ID: approle.role_id, VAULT_SECRET_ID: approle.secret_id };
      const m = new VaultSecretManager({ address, prefix: 'dativo/', namespace: 'team-a', auth: { method: 'approle' } }, env);
      expect(await m.get('api_token')).toBe('tok-vault-4b2c');
      expect(seen.map((s) => s.url)).toEqual(['/v1/auth/approle/login', '/v1/secret/data/dativo/api_token']);
      expect(seen.map((s) => s.ns)).toEqual(['team-a', 'team-a']);
      m.close();
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('an unreachable server: SECRET_MANAGER_UNREACHABLE naming the manager and key', async () => {
    const e = await new VaultSecretManager({ address: 'http://127.0.0.1:9' }, { VAULT_TOKEN: 't' }).get('api_token').catch((x) => x);
    expect(e).toMatchObject({ code: 'SECRET_MANAGER_UNREACHABLE', retryable: true, details: { manager: 'vault', secret: 'api_token' } });
  });

  it('through a plugin: only granted names are fetched, once per run, and the value is never logged', async () => {
    const inner = counting(manager({ prefix: 'dativo/' }));
    const { reads, logs } = await readThroughProbe(new CachedSecretManager(inner), ['api_token'], 'api_token', 2);
    expect(reads.map((r) => r.value)).toEqual(['tok-vault-4b2c', 'tok-vault-4b2c']);
    expect(inner.asked).toEqual(['api_token']);
    expect(JSON.stringify(logs.records)).not.toContain('tok-vault-4b2c');
    expect(logs.audits('secret.read')).toHaveLength(2);
    const m = createSecretManager({ manager: 'vault', vault: { address: vault.url } }, 'job.yaml', { VAULT_TOKEN: VAULT_ROOT_TOKEN });
    expect(m).toBeInstanceOf(CachedSecretManager);
    const { reads: absent } = await readThroughProbe(m, ['absent'], 'absent', 1, 'ts');
    expect(absent[0]!.error).toContain('secret "absent" is not set in the job\'s secret manager (vault)');
  });

  it('a CLI run: the granted plugin reads the secret; the value is in no log line and not on stderr', () => {
    const r = runSecretJob(
      { manager: 'vault', vault: { address: vault.url, prefix: 'dativo/', auth: { method: 'approle' } } },
      { VAULT_ROLE_ID: approle.role_id, VAULT_SECRET_ID: approle.secret_id },
    );
    expect(r.stderr).toMatch(/secret\.read[^\n]*api_token|api_token[^\n]*secret\.read/);
    expect(r.stderr + r.stdout).not.toContain('tok-vault-4b2c');
    expect(r.stderr + r.stdout).not.toContain(approle.secret_id);
  });
});
