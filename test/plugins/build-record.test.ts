/**
 * `plugin build` (issue 11, item 12): a component found in dist/ is never taken as built
 * because it is newer than the sources (or has a record beside it); it is rebuilt unless
 * this host recorded building that very file from the same sources, and the manifest
 * carries the digest of what was built.
 */
import { copyFileSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { buildRustComponent } from '../../host/src/build/rust-component.js';
import { scaffoldPlugin } from '../../host/src/build/scaffold.js';
import { REPO, fixture, sha256File, tempDir } from '../helpers/fixtures.js';

describe('plugin build (TypeScript plugin)', () => {
  it('rebuilds a planted dist/*.wasm newer than the sources and records the digest of its own build', async () => {
    const dir = join(tempDir('dativo-build-'), 'planted');
    scaffoldPlugin({ name: 'planted', lang: 'ts', kind: 'reader', dir });
    const first = await buildPlugin(dir);
    expect(first.built).toBe(true);
    // Unchanged sources, untouched component: skipped.
    expect((await buildPlugin(dir)).built).toBe(false);

    // Someone replaces the component with another one, newer than every source; anything
    // kept beside it in dist/ (an old build's .hash) still matches the sources.
    copyFileSync(fixture('rust', 'probe-reader'), first.component);
    const later = new Date(Date.now() + 60_000);
    utimesSync(first.component, later, later);
    const planted = sha256File(first.component);

    const again = await buildPlugin(dir);
    expect(again.built).toBe(true);
    const manifest = parse(readFileSync(again.manifest, 'utf8')) as { sha256: string };
    expect(manifest.sha256).not.toBe(planted);
    expect(manifest.sha256).toBe(sha256File(again.component));
    expect(sha256File(again.component)).not.toBe(planted);
  });
});

describe('Rust component build', () => {
  it('rebuilds a component replaced by another one newer than the sources', async () => {
    // The probe crate's own cargo target is up to date: only componentNew runs.
    const opts = {
      crateDir: join(REPO, 'test/fixtures/rust/probe-reader'),
      outFile: join(tempDir('dativo-rust-build-'), 'probe.wasm'),
      kind: 'reactor' as const,
      witDir: join(REPO, 'wit'),
    };
    expect((await buildRustComponent(opts)).built).toBe(true);
    const own = sha256File(opts.outFile);
    expect((await buildRustComponent(opts)).built).toBe(false);
    copyFileSync(fixture('rust', 'hello-command'), opts.outFile);
    const later = new Date(Date.now() + 60_000);
    utimesSync(opts.outFile, later, later);
    expect((await buildRustComponent(opts)).built).toBe(true);
    expect(sha256File(opts.outFile)).toBe(own);
  });
});
