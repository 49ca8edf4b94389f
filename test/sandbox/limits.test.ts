/**
 * Limits: a call over its timeout, memory over the limit, a batch over the size
 * limit, a trap, an incompatible contract, a tampered component. Each fails with its
 * code, and the host carries on.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { fixture, shippedComponent, tempDir, writeManifest } from '../helpers/fixtures.js';
import { runProbe } from '../helpers/probe.js';

describe.each(['rust', 'ts'] as const)('limits (%s plugin)', (lang) => {
  it('stops a call over its timeout with PLUGIN_TIMEOUT, and the host keeps running', async () => {
    const started = Date.now();
    const r = await runProbe({ action: 'loop' }, { lang, limits: { call_timeout_ms: 1500 } });
    expect(r.error?.code).toBe('PLUGIN_TIMEOUT');
    expect(r.error?.message).toContain('extraction.next');
    expect(Date.now() - started).toBeLessThan(60_000);
    const after = await runProbe({ action: 'emit', count: 3, batch_rows: 3 }, { lang });
    expect(after.rows).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('fails memory growth over the limit with PLUGIN_MEMORY_LIMIT', async () => {
    const r = await runProbe({ action: 'alloc', mb: 1024, step_mb: 8 }, { lang, limits: { memory_mb: 96 } });
    expect(r.error?.code).toBe('PLUGIN_MEMORY_LIMIT');
    expect(r.error?.message).toContain('96 MB');
  });

  it('enforces the limit on the module even when the plugin handles the failed allocation', async () => {
    const r = await runProbe({ action: 'alloc', mb: 1024, step_mb: 8, graceful: true }, { lang, limits: { memory_mb: 96 } });
    expect(r.report).toMatchObject({ ok: false, error: expect.stringMatching(/out ?of ?memory/i) });
  });

  it('lets the same allocation through under a larger limit', async () => {
    const r = await runProbe({ action: 'alloc', mb: 48, step_mb: 8 }, { lang, limits: { memory_mb: 256 } });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ ok: true });
  });

  it('refuses a batch over max_batch_bytes with PLUGIN_BATCH_TOO_LARGE', async () => {
    const r = await runProbe({ action: 'big-batch', bytes: 2_000_000 }, { lang, limits: { max_batch_bytes: 1_000_000 } });
    expect(r.error?.code).toBe('PLUGIN_BATCH_TOO_LARGE');
    expect(r.error?.details).toMatchObject({ limit: 1_000_000 });
    const ok = await runProbe({ action: 'big-batch', bytes: 500_000 }, { lang, limits: { max_batch_bytes: 1_000_000 } });
    expect(ok.error).toBeUndefined();
  });

  it('reports a trap as PLUGIN_TRAP with the plugin name and message', async () => {
    const r = await runProbe({ action: 'trap' }, { lang });
    expect(r.error?.code).toBe('PLUGIN_TRAP');
    expect(r.error?.message).toContain(`probe-${lang}`);
    expect(r.error?.details).toHaveProperty('trap');
  });

  it('maps a plugin-error to a typed, retryable host error', async () => {
    const r = await runProbe({ action: 'fail', kind: 'rate-limited', code: 'HTTP_429', message: 'slow down', retryable: true, retry_after_ms: 1500 }, { lang });
    expect(r.error?.code).toBe('PLUGIN_RATE_LIMITED');
    expect(r.error?.retryable).toBe(true);
    expect(r.error?.details).toMatchObject({ pluginCode: 'HTTP_429', retryAfterMs: 1500 });
  });
});

describe('component admission', () => {
  it('refuses a component built for an incompatible contract, naming both versions', async () => {
    const manifest = writeManifest(fixture('ts', 'probe-reader-v9'), { contract: '9.0.0' });
    await expect(loadPlugin({ manifest })).rejects.toMatchObject({
      code: 'PLUGIN_CONTRACT_MISMATCH',
      message: expect.stringMatching(/9\.0\.0.*0\.1\.0/),
    });
  });

  it('refuses a component whose manifest claims another contract than it exports', async () => {
    const manifest = writeManifest(fixture('ts', 'probe-reader-v9'));
    await expect(loadPlugin({ manifest })).rejects.toMatchObject({ code: 'PLUGIN_CONTRACT_MISMATCH' });
  });

  it('refuses a component whose sha256 differs from the manifest', async () => {
    const dir = tempDir();
    const copy = join(dir, 'probe.wasm');
    copyFileSync(fixture('rust', 'probe-reader'), copy);
    const manifest = writeManifest(copy, { sha256: 'f'.repeat(64) });
    await expect(loadPlugin({ manifest })).rejects.toMatchObject({ code: 'PLUGIN_DIGEST_MISMATCH' });
  });

  it('refuses a reader manifest on a writer component', async () => {
    const manifest = writeManifest(shippedComponent('jsonl-writer'), { kind: 'reader' });
    await expect(loadPlugin({ manifest })).rejects.toMatchObject({ code: 'PLUGIN_CONTRACT_MISMATCH' });
  });
});
