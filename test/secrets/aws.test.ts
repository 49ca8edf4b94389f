/** The aws secret manager against moto's server (a real Secrets Manager API) on loopback. */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSecretManager } from '../../host/src/secrets/aws.js';
import { CachedSecretManager } from '../../host/src/secrets/cached-secret-manager.js';
import { createSecretManager } from '../../host/src/secrets/create-secret-manager.js';
import { counting, readThroughProbe, runSecretJob } from './probe-secrets.js';
import { startMoto, type TestServer } from './servers.js';

const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
let moto: TestServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const [k, v] of Object.entries(CREDS)) (saved[k] = process.env[k]), (process.env[k] = v);
  moto = await startMoto();
  const sm = new SecretsManagerClient({ endpoint: moto.url, region: 'us-east-1' });
  await sm.send(new CreateSecretCommand({ Name: 'dativo/api_token', SecretString: 'tok-aws-71c3' }));
  await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: JSON.stringify({ user: 'etl', password: 'pw-aws-9e2d', port: 5432 }) }));
  await sm.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'old-value-1' }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'new-value-2' }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'next-value-3', VersionStages: ['AWSPENDING'] }));
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

const manager = (extra: Record<string, unknown> = {}, keys?: Record<string, string>) =>
  new AwsSecretManager({ region: 'us-east-1', endpoint: moto.url, ...extra, keys });

describe('aws secret manager (moto server)', () => {
  it('reads a plain secret by <prefix><name>, a JSON key by a key selector, and a version stage', async () => {
    expect(await manager({ prefix: 'dativo/' }).get('api_token')).toBe('tok-aws-71c3');
    const keys = { db_password: 'prod/db#password', db_port: 'prod/db#port', db: 'prod/db' };
    expect(await manager({}, keys).get('db_password')).toBe('pw-aws-9e2d');
    expect(await manager({}, keys).get('db_port')).toBe('5432');
    expect(JSON.parse((await manager({}, keys).get('db'))!)).toMatchObject({ user: 'etl' });
    expect(await manager().get('rotating')).toBe('new-value-2');
    expect(await manager({ version_stage: 'AWSPREVIOUS' }).get('rotating')).toBe('old-value-1');
    expect(await manager({ version_stage: 'AWSPENDING' }).get('rotating')).toBe('next-value-3');
  });

  it('a missing secret or key is undefined; a non-JSON secret with a selector names the key, not the value', async () => {
    expect(await manager().get('no_such_secret')).toBeUndefined();
    expect(await manager({}, { x: 'prod/db#nope' }).get('x')).toBeUndefined();
    const err = await manager({ prefix: 'dativo/' }, { tok: 'dativo/api_token#field' }).get('tok').catch((e) => e);
    expect(err).toMatchObject({ code: 'SECRET_INVALID', details: { manager: 'aws', secret: 'tok' } });
    expect(err.message).toContain('secret manager aws: secret "tok"');
    expect(err.message).not.toContain('tok-aws-71c3');
  });

  it('an unreachable service: SECRET_MANAGER_UNREACHABLE naming the manager and key', async () => {
    const down = new AwsSecretManager({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
    const e = await down.get('api_token').catch((x) => x);
    expect(e).toMatchObject({ code: 'SECRET_MANAGER_UNREACHABLE', details: { manager: 'aws', secret: 'api_token' } });
  });

  it('through a plugin: only granted names are fetched, once per run, and the value is never logged', async () => {
    const inner = counting(manager({ prefix: 'dativo/' }));
    const { reads, logs } = await readThroughProbe(new CachedSecretManager(inner), ['api_token'], 'api_token', 2);
    expect(reads.map((r) => r.value)).toEqual(['tok-aws-71c3', 'tok-aws-71c3']);
    expect(inner.asked).toEqual(['api_token']);
    expect(JSON.stringify(logs.records)).not.toContain('tok-aws-71c3');
    expect(logs.audits('secret.read')).toHaveLength(2);
    const job = createSecretManager({ manager: 'aws', aws: { region: 'us-east-1', endpoint: moto.url } }, 'job.yaml');
    expect(job).toBeInstanceOf(CachedSecretManager);
  });

  it('a granted secret the manager lacks: the plugin is told the key and the manager (ts probe: it sees the message)', async () => {
    const { reads } = await readThroughProbe(createSecretManager({ manager: 'aws', aws: { endpoint: moto.url } }, 'job.yaml'), ['absent'], 'absent', 1, 'ts');
    expect(reads[0]).toMatchObject({ ok: false });
    expect(reads[0]!.error).toContain('secret "absent" is not set in the job\'s secret manager (aws)');
  });

  it('a CLI run: the granted plugin reads the secret; the value is in no log line and not on stderr', () => {
    const r = runSecretJob({ manager: 'aws', aws: { endpoint: moto.url, region: 'us-east-1', prefix: 'dativo/' } }, CREDS);
    // The read happened (audited by name) ...
    expect(r.stderr).toMatch(/secret\.read[^\n]*api_token|api_token[^\n]*secret\.read/);
    // ... and the value appears nowhere a user or a log collector sees.
    expect(r.stderr + r.stdout).not.toContain('tok-aws-71c3');
  });
});
