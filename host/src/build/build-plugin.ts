import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { manifestSchema } from '../config/manifest.js';
import { loadYamlFile } from '../config/yaml-file.js';
import { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { sha256 } from '../runtime/component-cache.js';
import { isRecordedBuild } from './build-record.js';
import { buildWithCargoComponent, cargoComponentDigest } from './cargo-component.js';
import { buildRustComponent } from './rust-component.js';
import { buildTsComponent } from './ts-component.js';

/** A plugin's source manifest: plugin.yaml next to its code, before a component exists. */
export const sourceManifestSchema = manifestSchema.omit({ component: true, sha256: true });
export type SourceManifest = z.output<typeof sourceManifestSchema>;

/** How a component was built: cargo + the preview1 adapter, cargo-component, componentize-js. */
export type BuildRoute = 'cargo' | 'cargo-component' | 'componentize-js';

export interface BuiltPlugin {
  /** The built manifest (dist/plugin.yaml): the source manifest plus component and sha256. */
  manifest: string;
  component: string;
  lang: 'rust' | 'ts';
  route: BuildRoute;
  built: boolean;
}

export interface BuildPluginOptions {
  log?: (line: string) => void;
  witDir?: string;
  /** Build a Rust plugin with `cargo component build` (cargo-component.ts). */
  cargoComponent?: boolean;
}

/**
 * Builds a plugin directory into dist/: a Rust crate (Cargo.toml) through cargo and the
 * preview1 adapter (or cargo-component, when asked), or a TypeScript plugin (src/index.ts)
 * through componentize-js. A dist/*.wasm is kept only when this host recorded building
 * it from the same sources, by either Rust route (build-record.ts); else it is rebuilt.
 */
export async function buildPlugin(dir: string, opts: BuildPluginOptions = {}): Promise<BuiltPlugin> {
  const root = resolve(dir);
  const source = loadYamlFile(join(root, 'plugin.yaml'), sourceManifestSchema, 'plugin manifest') as SourceManifest;
  const dist = join(root, 'dist');
  const component = join(dist, `${source.name}.wasm`);
  const witDir = opts.witDir ?? join(packageRoot, 'wit');
  let lang: BuiltPlugin['lang'];
  let route: BuildRoute;
  let built: boolean;
  if (existsSync(join(root, 'Cargo.toml'))) {
    lang = 'rust';
    const cc = { crateDir: root, outFile: component, witDir, log: opts.log };
    if (opts.cargoComponent) {
      if (source.kind === 'command') throw new ConfigError('PLUGIN_BUILD_UNSUPPORTED', `${root}: --cargo-component builds readers and writers, not commands`);
      route = 'cargo-component';
      ({ built } = await buildWithCargoComponent(cc));
    } else if (source.kind !== 'command' && isRecordedCargoComponentBuild(cc)) {
      [route, built] = ['cargo-component', false];
    } else {
      route = 'cargo';
      ({ built } = await buildRustComponent({ crateDir: root, outFile: component, kind: source.kind === 'command' ? 'command' : 'reactor', witDir, log: opts.log }));
    }
  } else if (existsSync(join(root, 'src', 'index.ts'))) {
    lang = 'ts';
    route = 'componentize-js';
    if (opts.cargoComponent) throw new ConfigError('PLUGIN_BUILD_UNSUPPORTED', `${root}: --cargo-component builds Rust crates; this is a TypeScript plugin`);
    if (source.kind === 'command') throw new ConfigError('PLUGIN_BUILD_UNSUPPORTED', `${root}: TypeScript command components are not supported`);
    ({ built } = await buildTsComponent({ entry: join(root, 'src', 'index.ts'), outFile: component, witDir, world: `${source.kind}-plugin`, capabilities: source.capabilities, log: opts.log }));
  } else {
    throw noSources(root, dist);
  }
  const manifest = writeBuiltManifest(dist, source, `plugin build\` (${route}) from ../plugin.yaml`);
  return { manifest, component, lang, route, built };
}

/** Whether dist/ holds what a recorded cargo-component build of these sources wrote. */
function isRecordedCargoComponentBuild(opts: { crateDir: string; outFile: string; witDir: string }): boolean {
  if (!existsSync(opts.outFile)) return false;
  const digest = cargoComponentDigest(opts);
  return digest !== undefined && isRecordedBuild(opts.outFile, digest);
}

/** No sources: a component in dist/ is refused, since nothing here can rebuild it. */
function noSources(root: string, dist: string): ConfigError {
  const found = existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.wasm')) : [];
  if (found.length === 0) {
    return new ConfigError('PLUGIN_BUILD_UNKNOWN_LANGUAGE', `${root}: no Cargo.toml (Rust) and no src/index.ts (TypeScript): nothing to build`);
  }
  return new ConfigError(
    'PLUGIN_BUILD_NO_SOURCES',
    `${root}: dist/${found[0]} was not built here and there are no sources (Cargo.toml or src/index.ts) to rebuild it from: refused. ` +
      'For a component built elsewhere, `dativo-host plugin manifest COMPONENT --dir DIR` writes dist/plugin.yaml; load that manifest.',
  );
}

/**
 * Writes dist/plugin.yaml: the source manifest plus the component dist/<name>.wasm and its
 * sha256, under a header naming what wrote it (`by`) and any notes.
 */
export function writeBuiltManifest(dist: string, source: SourceManifest, by: string, notes: string[] = []): string {
  mkdirSync(dist, { recursive: true });
  const { component: _c, sha256: _s, ...rest } = source as Record<string, unknown>;
  const digest = sha256(readFileSync(join(dist, `${source.name}.wasm`)));
  const header = [`# Written by \`dativo-host ${by}: do not edit.`, ...notes.map((n) => `# ${n}`)].join('\n');
  const file = join(dist, 'plugin.yaml');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${header}\n${stringify({ ...rest, component: `./${source.name}.wasm`, sha256: digest })}`);
  renameSync(tmp, file);
  return file;
}
