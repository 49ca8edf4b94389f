/**
 * `npm pack` / `npm publish` (the prepack script): builds the built-in plugins from their
 * sources into plugins-rust/NAME/dist/ and plugins-ts/NAME/dist/ (component + manifest
 * with its sha256), so the package runs its connectors and TypeScript plugins on a
 * machine with Node alone, and lists them with their digests in dist/prebuilt.json.
 * Needs the Rust toolchain of docs/rust-plugins.md.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import { packageRoot } from '../package-root.js';
import { buildPlugin } from './build-plugin.js';

/** The plugins the registry's connectors run (connectors/*.yaml name their dist/plugin.yaml). */
export const BUILT_IN_PLUGINS = ['csv-reader', 'jsonl-reader', 'jsonl-writer', 'postgres-reader', 'rest-api-reader'];
/**
 * The shipped TypeScript plugins (plugins-ts/NAME, manifest name NAME-ts): prebuilt too, so
 * using one needs no componentize-js build (~40 s, 12 MB each; ~4 MB in the tarball).
 */
export const BUILT_IN_TS_PLUGINS = ['rest-api-reader', 'log-writer', 'jsonl-writer'];

export interface PrebuiltPlugin {
  name: string;
  /** dist/plugin.yaml, relative to the package root. */
  manifest: string;
  sha256: string;
  bytes: number;
}

export async function prebuildPlugins(log: (line: string) => void = () => {}): Promise<PrebuiltPlugin[]> {
  const out: PrebuiltPlugin[] = [];
  const sources = [
    ...BUILT_IN_PLUGINS.map((name) => ({ name, dir: join(packageRoot, 'plugins-rust', name) })),
    ...BUILT_IN_TS_PLUGINS.map((name) => ({ name: `${name}-ts`, dir: join(packageRoot, 'plugins-ts', name) })),
  ];
  for (const { name, dir } of sources) {
    const built = await buildPlugin(dir, { log });
    const bytes = readFileSync(built.component);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    out.push({ name, manifest: relative(packageRoot, built.manifest).split(sep).join('/'), sha256, bytes: bytes.length });
  }
  mkdirSync(join(packageRoot, 'dist'), { recursive: true });
  writeFileSync(join(packageRoot, 'dist', 'prebuilt.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split(sep).join('/'))) {
  const started = Date.now();
  // The Parquet encoder module the package ships (dist/parquet-encoder/).
  execFileSync('bash', [join(packageRoot, '.ci', 'install-parquet-encoder.sh')], { stdio: ['ignore', 2, 2] });
  for (const p of await prebuildPlugins((l) => process.stderr.write(`${l}\n`))) {
    process.stderr.write(`prebuilt ${p.name}: ${p.manifest} sha256 ${p.sha256} (${p.bytes} bytes)\n`);
  }
  process.stderr.write(`prepack: plugins ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
