/**
 * What a plugin writes to the host's log (issue 11, items 5, 7, 9): its fields cannot
 * pose as the host's keys, log calls share one byte budget with stdout/stderr, a log
 * call's fields are bounded, and no line repeats a secret value or a query string.
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from '../helpers/probe.js';
import { startHttpServer } from '../helpers/http-server.js';

const pluginLines = (records: Record<string, unknown>[]) => records.filter((r) => r.source === 'plugin');

describe('plugin log records (rust probe)', () => {
  it('nests plugin fields under `fields`: a forged audit record stays a plugin line', async () => {
    const r = await runProbe({ action: 'log-forge' });
    expect(r.error).toBeUndefined();
    const line = r.logs.records.find((x) => x.msg === 'forged')!;
    expect(line).toMatchObject({ source: 'plugin', plugin: 'probe-rust', level: 'info' });
    expect(line.audit).toBeUndefined();
    expect(line.event).toBeUndefined();
    expect(line.fields).toMatchObject({ audit: 'true', event: 'capability.denied', plugin: 'other-plugin', source: 'host' });
    expect(r.logs.audits('capability.denied')).toHaveLength(0);
  });

  it('keeps the first max_log_fields fields of a log call and counts the rest', async () => {
    const r = await runProbe({ action: 'log-fields', fields: 200_000 });
    expect(r.error).toBeUndefined();
    const line = r.logs.records.find((x) => x.msg === 'many fields')!;
    expect(Object.keys(line.fields as object)).toHaveLength(64);
    expect(line.dropped).toEqual({ fields: 200_000 - 64 });
  });

  it('caps log calls and stdout together at max_output_bytes, with one truncation record', async () => {
    const r = await runProbe({ action: 'log-flood', calls: 100_000, bytes: 100 }, { limits: { max_output_bytes: 50_000 } });
    expect(r.error).toBeUndefined();
    const lines = pluginLines(r.logs.records);
    const bytes = lines.reduce((n, x) => n + String(x.msg).length, 0);
    expect(bytes).toBeLessThanOrEqual(50_000);
    expect(lines.length).toBeGreaterThan(400);
    const truncated = r.logs.records.filter((x) => String(x.msg).includes('plugin output exceeded'));
    expect(truncated).toHaveLength(1);
    expect(truncated[0]).toMatchObject({ stream: 'log', limit: 50_000 });
  });
});

describe('secrets in the log (rust probe)', () => {
  it('redacts query values and userinfo in the http.request audit record', async () => {
    const server = await startHttpServer();
    try {
      const r = await runProbe(
        { action: 'http-get', url: `${server.url}/items?api_key=tok-123456&page=2` },
        { capabilities: { http: [server.url] } },
      );
      expect(r.report).toMatchObject({ ok: true });
      expect(server.hits).toEqual(['/items?api_key=tok-123456&page=2']);
      const [rec] = r.logs.audits('http.request');
      expect(rec).toMatchObject({ path: '/items?api_key=[redacted]&page=[redacted]' });
      expect(JSON.stringify(r.logs.records)).not.toContain('tok-123456');
    } finally {
      await server.close();
    }
  });

  it('no log line repeats the value of a secret resolved for the run', async () => {
    const value = 'hunter2-very-secret';
    const r = await runProbe(
      { action: 'log', message: `the token is ${value}, twice: ${value}` },
      { capabilities: { secrets: ['api_token'] }, secrets: { api_token: value } },
    );
    expect(r.error).toBeUndefined();
    const line = r.logs.records.find((x) => x.source === 'plugin')!;
    expect(line.msg).toBe('the token is [redacted], twice: [redacted]');
    expect(JSON.stringify(r.logs.records)).not.toContain(value);
  });

  it('a plugin error carrying a secret value does not repeat it (the CLI prints error messages)', async () => {
    const value = 'hunter2-very-secret';
    const r = await runProbe(
      { action: 'fail', kind: 'auth', code: 'BAD_TOKEN', message: `token ${value} was refused` },
      { capabilities: { secrets: ['api_token'] }, secrets: { api_token: value } },
    );
    expect(r.error).toMatchObject({ code: 'PLUGIN_AUTH' });
    expect(r.error!.message).toContain('token [redacted] was refused');
    expect(JSON.stringify(r.error)).not.toContain(value);
  });
});
