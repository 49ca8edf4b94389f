/**
 * Builds the plugins of the plugins-rust/ cargo workspace into components with
 * buildRustComponent (Debian's cargo, -Zbuild-std, wasm32-wasip1, preview1 reactor
 * adapter). Cached by source as buildRustComponent does: a rebuild happens only when
 * a crate's sources, the workspace manifests or wit/ changed. The first build
 * compiles the standard library and the arrow crates (minutes on 2 cores).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { RustComponentKind } from '../../host/src/build/rust-component.js';
import { cachedRustComponent } from '../fixtures/build-cache.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
export const PLUGINS_RUST_DIR = path.join(repo, 'plugins-rust');
const witDir = path.join(repo, 'wit');

/** The workspace members that are plugins, and how each is built. */
export const RUST_PLUGINS: ReadonlyArray<{ name: string; kind: RustComponentKind }> = [{ name: 'csv-reader', kind: 'reactor' }];

/** Builds every plugin into `outDir/<name>.wasm`; returns name -> absolute path. */
export async function buildPlugins(outDir: string, log?: (line: string) => void): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // One at a time: the members share the workspace's target dir.
  for (const { name, kind } of RUST_PLUGINS) {
    const started = Date.now();
    const { outFile, built } = await cachedRustComponent({
      crateDir: path.join(PLUGINS_RUST_DIR, name),
      outFile: path.resolve(outDir, `${name}.wasm`),
      kind,
      release: true,
      witDir,
      log,
    });
    log?.(`${name}: ${built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'up to date'} -> ${outFile}`);
    out[name] = outFile;
  }
  return out;
}
