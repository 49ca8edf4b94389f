import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretManager } from './create-secret-manager.js';

describe('secret managers', () => {
  it('env: reads DATIVO_SECRET_<NAME> (prefix configurable), nothing else', async () => {
    const m = createSecretManager({ manager: 'env' }, 'job.yaml', { DATIVO_SECRET_API_TOKEN: 't0k', API_TOKEN: 'plain' });
    expect(await m.get('api_token')).toBe('t0k');
    expect(await m.get('other')).toBeUndefined();
    const p = createSecretManager({ manager: 'env', prefix: 'ACME_' }, 'job.yaml', { ACME_DB_PASSWORD: 'pw' });
    expect(await p.get('db-password')).toBe('pw');
  });
  it('file: reads a YAML map relative to the job, and says which file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    writeFileSync(join(dir, 'secrets.yaml'), 'api_token: abc\nport: 5432\n');
    const m = createSecretManager({ manager: 'file', path: 'secrets.yaml' }, join(dir, 'job.yaml'));
    expect(await m.get('api_token')).toBe('abc');
    expect(await m.get('port')).toBe('5432');
    expect(await m.get('nope')).toBeUndefined();
    const missing = createSecretManager({ manager: 'file', path: 'nope.yaml' }, join(dir, 'job.yaml'));
    await expect(missing.get('x')).rejects.toMatchObject({ code: 'SECRETS_FILE_NOT_FOUND' });
  });
  it('none: no secrets at all', async () => {
    expect(await createSecretManager({ manager: 'none' }, 'job.yaml').get('anything')).toBeUndefined();
  });
});
