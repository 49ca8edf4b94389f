/**
 * Warm starts: the glue's V8 code cache is made once and used by later workers, and a
 * spare worker's preloaded glue serves only the component it was loaded for (another
 * plugin's instance in that worker loads its own glue and behaves the same).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../host/src/logging/logger.js';
import { loadPlugin, type LoadedPlugin } from '../../host/src/runtime/load-plugin.js';
import { defaultWorkerPool } from '../../host/src/runtime/worker-pool.js';
import { fixture, tempDir, writeManifest } from '../helpers/fixtures.js';

const cacheDir = tempDir('dativo-cache-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const logger = createLogger({ level: 'warn' });
const load = (lang: 'rust' | 'ts') => loadPlugin({ manifest: writeManifest(fixture(lang, 'probe-reader'), { name: `warm-${lang}` }), cacheDir, logger });

/** Starts an instance once the pool's spare is booted (and preloaded), checks it works, closes it. */
async function start(plugin: LoadedPlugin): Promise<Record<string, number>> {
  await defaultWorkerPool.whenReady();
  const inst = await plugin.instantiate();
  try {
    expect(await inst.call('reader.spec')).toMatchObject({ version: '0.1.0', encodings: ['json-lines'] });
    return inst.phases;
  } finally {
    await inst.terminate();
  }
}

describe('warm start', () => {
  it('caches the glue code once per component, and later workers use that cache', async () => {
    const rust = await load('rust');
    expect(rust.component.glueScript).toBeDefined();
    const cacheFiles = () => readdirSync(rust.component.dir).filter((f) => f.endsWith('.cache'));
    const first = await start(rust);
    expect(cacheFiles()).toHaveLength(1);
    expect(first.glueCacheMs).toBeDefined(); // this worker compiled the glue, and made the cache
    const later = await start(rust);
    expect(later.gluePreloadMs).toBeDefined(); // the spare had the glue loaded before it was claimed
    const again = await start(rust);
    expect(again.glueCacheMs).toBeUndefined(); // V8 accepted the cache: no new one was made
    expect(again.gluePreloadMs).toBeDefined();
  });

  it('gives a spare preloaded for one plugin to another, which loads its own glue', async () => {
    const rust = await load('rust');
    const ts = await load('ts');
    await start(rust); // the spare now holds the Rust glue
    const tsPhases = await start(ts);
    expect(tsPhases.gluePreloadMs).toBeUndefined();
    expect(tsPhases.glueMs).toBeGreaterThan(0);
    expect((await start(ts)).gluePreloadMs).toBeDefined();
  });

  it('imports jco glue of another shape as the module it is', async () => {
    const rust = await load('rust');
    const component = { ...rust.component, glueScript: undefined };
    expect(existsSync(new URL(component.entryUrl))).toBe(true);
    const { PluginInstance } = await import('../../host/src/runtime/plugin-instance.js');
    const inst = await PluginInstance.start({ plugin: 'module-glue', component, sandbox: { plugin: 'module-glue', grant: rust.grant, env: [], secrets: {}, args: [] }, limits: rust.grant.limits, logger });
    try {
      expect(await inst.call('reader.spec')).toMatchObject({ version: '0.1.0', encodings: ['json-lines'] });
      expect(inst.phases.gluePreloadMs).toBeUndefined();
    } finally {
      await inst.terminate();
    }
  });
});
