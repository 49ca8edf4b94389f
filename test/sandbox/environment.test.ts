/** Environment, arguments, secrets, logs and stdio: only what is declared, values never logged. */
import { describe, expect, it } from 'vitest';
import { runProbe } from '../helpers/probe.js';

const hostEnv = { TZ: 'UTC', AWS_SECRET_ACCESS_KEY: 'host-credential', HOME: '/root' };

describe('environment and arguments (rust plugin)', () => {
  it('sees only the declared variables', async () => {
    const r = await runProbe({ action: 'env-all' }, { capabilities: { env: ['TZ', 'LANG'] }, env: hostEnv });
    expect(r.report?.value).toEqual(['TZ']);
  });
  it('cannot read an undeclared variable', async () => {
    const r = await runProbe({ action: 'env', name: 'AWS_SECRET_ACCESS_KEY' }, { capabilities: { env: ['TZ'] }, env: hostEnv });
    expect(r.report).toMatchObject({ ok: true, value: null });
  });
  it('gets no arguments', async () => {
    expect((await runProbe({ action: 'args' })).report?.value).toEqual([]);
  });
  it('sees no variables at all by default', async () => {
    expect((await runProbe({ action: 'env-all' }, { env: hostEnv })).report?.value).toEqual([]);
  });
});

describe.each(['rust', 'ts'] as const)('secrets (%s plugin)', (lang) => {
  it('reads a granted secret; the read is audited and the value never logged', async () => {
    const r = await runProbe({ action: 'secret', name: 'api_token' }, { lang, capabilities: { secrets: ['api_token'] }, secrets: { api_token: 'tok-4f9a1c' } });
    expect(r.report).toMatchObject({ ok: true, value: 'tok-4f9a1c' });
    expect(r.logs.audits('secret.read')).toEqual([expect.objectContaining({ secret: 'api_token', plugin: `probe-${lang}` })]);
    expect(JSON.stringify(r.logs.records)).not.toContain('tok-4f9a1c');
  });
  it('refuses an undeclared secret with CAPABILITY_DENIED', async () => {
    const r = await runProbe({ action: 'secret', name: 'admin_password' }, { lang, capabilities: { secrets: ['api_token'] }, secrets: { api_token: 't', admin_password: 'root' } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(r.error?.details).toMatchObject({ capability: 'secrets', target: 'admin_password', allowWith: 'capabilities.secrets: [admin_password]' });
    expect(JSON.stringify(r.logs.records)).not.toContain('root"');
  });
  it('a job policy can withhold a secret the manifest declares', async () => {
    const r = await runProbe({ action: 'secret', name: 'api_token' }, { lang, capabilities: { secrets: ['api_token'] }, secrets: { api_token: 't' }, policy: { secrets: [] } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
  });
});

describe.each(['rust', 'ts'] as const)('logs and stdio (%s plugin)', (lang) => {
  it('plugin log records carry the plugin name and fields', async () => {
    const r = await runProbe({ action: 'log', message: 'hello host' }, { lang });
    expect(r.logs.records).toContainEqual(expect.objectContaining({ msg: 'hello host', plugin: `probe-${lang}`, fields: { probe: 'yes' }, source: 'plugin' }));
  });
  it('stdout and stderr go to the host log', async () => {
    const r = await runProbe({ action: 'stdout', bytes: 10, stream: 'stderr' }, { lang });
    expect(r.logs.records).toContainEqual(expect.objectContaining({ msg: 'xxxxxxxxxx', stream: 'stderr', plugin: `probe-${lang}` }));
  });
  it('output is capped at max_output_bytes', async () => {
    const r = await runProbe({ action: 'stdout', bytes: 200_000, stream: 'stdout' }, { lang, limits: { max_output_bytes: 1000 } });
    const logged = r.logs.records.filter((x) => x.stream === 'stdout' && x.source === 'plugin').reduce((n, x) => n + String(x.msg).length, 0);
    expect(logged).toBeLessThanOrEqual(1000);
    expect(r.logs.records).toContainEqual(expect.objectContaining({ level: 'warn', limit: 1000 }));
  });
});
