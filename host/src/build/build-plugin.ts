import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { manifestSchema } from '../config/manifest.js';
import { loadYamlFile } from '../config/yaml-file.js';
import { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { sha256 } from '../runtime/component-cache.js';
import { buildRustComponent } from './rust-component.js';
import { buildTsComponent } from './ts-component.js';

/** A plugin's source manifest: plugin.yaml next to its code, before a component exists. */
export const sourceManifestSchema = manifestSchema.omit({ component: true, sha256: true });

export interface BuiltPlugin {
  /** The built manifest (dist/plugin.yaml): the source manifest plus component and sha256. */
  manifest: string;
  component: string;
  lang: 'rust' | 'ts';
  built: boolean;
}

/**
 * Builds a plugin directory into dist/: a Rust crate (Cargo.toml) through cargo and the
 * preview1 adapter, or a TypeScript plugin (src/index.ts) through componentize-js.
 * Unchanged sources are not rebuilt.
 */
export async function buildPlugin(dir: string, opts: { log?: (line: string) => void; witDir?: string } = {}): Promise<BuiltPlugin> {
  const root = resolve(dir);
  const source = loadYamlFile(join(root, 'plugin.yaml'), sourceManifestSchema, 'plugin manifest') as z.output<typeof sourceManifestSchema>;
  const dist = join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  const component = join(dist, `${source.name}.wasm`);
  const witDir = opts.witDir ?? join(packageRoot, 'wit');
  let lang: BuiltPlugin['lang'];
  let built: boolean;
  if (existsSync(join(root, 'Cargo.toml'))) {
    lang = 'rust';
    ({ built } = await buildRustComponent({ crateDir: root, outFile: component, kind: source.kind === 'command' ? 'command' : 'reactor', witDir, log: opts.log }));
  } else if (existsSync(join(root, 'src', 'index.ts'))) {
    lang = 'ts';
    if (source.kind === 'command') throw new ConfigError('PLUGIN_BUILD_UNSUPPORTED', `${root}: TypeScript command components are not supported`);
    ({ built } = await buildTsComponent({ entry: join(root, 'src', 'index.ts'), outFile: component, witDir, world: `${source.kind}-plugin`, capabilities: source.capabilities, log: opts.log }));
  } else {
    throw new ConfigError('PLUGIN_BUILD_UNKNOWN_LANGUAGE', `${root}: no Cargo.toml (Rust) and no src/index.ts (TypeScript): nothing to build`);
  }
  const manifest = join(dist, 'plugin.yaml');
  const { component: _c, sha256: _s, ...rest } = source as Record<string, unknown>;
  writeFileSync(
    manifest,
    `# Written by \`dativo-host plugin build\` from ../plugin.yaml: do not edit.\n${stringify({ ...rest, component: `./${source.name}.wasm`, sha256: sha256(readFileSync(component)) })}`,
  );
  return { manifest, component, lang, built };
}
