/**
 * `dativo-host plugin manifest COMPONENT`: dist/plugin.yaml for a component built
 * elsewhere (`cargo component build`, another CI). What the manifest says about the
 * component comes from the component's own bytes: the dativo:plugin world it exports
 * (reader or writer, and the contract version), its sha256. What it may touch comes from
 * DIR/plugin.yaml when there is one, else nothing is granted. The copy in dist/ is not a
 * recorded build: `plugin build DIR` rebuilds it from sources (build-record.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { inspectComponent, unversioned } from '../capabilities/review/inspect-component.js';
import { loadYamlFile } from '../config/yaml-file.js';
import { ConfigError } from '../errors/index.js';
import { contractVersionOf } from '../runtime/contract.js';
import { sourceManifestSchema, writeBuiltManifest, type SourceManifest } from './build-plugin.js';

export interface ManifestFromComponentOptions {
  /** The component file (.wasm). */
  component: string;
  /** The plugin folder: its plugin.yaml (if any) is the source manifest; output in DIR/dist/. */
  dir: string;
  /** Without DIR/plugin.yaml: the plugin's name (default: the file name) and version (0.1.0). */
  name?: string;
  version?: string;
}

export interface ManifestFromComponent {
  manifest: string;
  component: string;
  kind: 'reader' | 'writer' | 'command';
  contract: string;
  /** Imports that get nothing unless the manifest grants them, with the grant to add. */
  ungranted: string[];
}

/** Which manifest capability backs an import; the others need no grant. */
const GRANTS: Array<[string, keyof SourceManifest['capabilities']]> = [
  ['wasi:http/outgoing-handler', 'http'],
  ['wasi:sockets/tcp-create-socket', 'tcp'],
  ['wasi:sockets/ip-name-lookup', 'tcp'],
  ['dativo:plugin/secrets', 'secrets'],
];

export async function manifestFromComponent(opts: ManifestFromComponentOptions): Promise<ManifestFromComponent> {
  const file = resolve(opts.component);
  const dir = resolve(opts.dir);
  if (!existsSync(file)) throw new ConfigError('CONFIG_NOT_FOUND', `component ${file} does not exist`);
  const bytes = readFileSync(file);
  const inspection = await inspectComponent(bytes, basename(file));
  const world = contractVersionOf(inspection.exports);
  const isCommand = inspection.exports.some((e) => e.startsWith('wasi:cli/run@'));
  if (!world && !isCommand) {
    throw new ConfigError(
      'PLUGIN_MANIFEST_NO_WORLD',
      `${file} exports neither dativo:plugin/reader nor dativo:plugin/writer (nor wasi:cli/run): exports ${inspection.exports.join(', ') || 'nothing'}`,
    );
  }
  const kind = world?.world ?? 'command';
  const contract = world?.version ?? '0.1.0';

  const sourceFile = join(dir, 'plugin.yaml');
  const source: SourceManifest = existsSync(sourceFile)
    ? loadYamlFile(sourceFile, sourceManifestSchema, 'plugin manifest')
    : sourceManifestSchema.parse({ name: opts.name ?? nameOf(file), version: opts.version ?? '0.1.0', kind, contract });
  if (source.kind !== kind) {
    throw new ConfigError('PLUGIN_KIND_MISMATCH', `${sourceFile} says kind ${source.kind}, but ${file} is a ${kind} (exports ${inspection.exports.join(', ')})`);
  }
  if (world && source.contract !== contract) {
    throw new ConfigError('PLUGIN_CONTRACT_MISMATCH', `${sourceFile} says contract ${source.contract}, but ${file} exports dativo:plugin ${contract}`);
  }

  const dist = join(dir, 'dist');
  mkdirSync(dist, { recursive: true });
  const component = join(dist, `${source.name}.wasm`);
  if (resolve(component) !== file) {
    const tmp = `${component}.${process.pid}.tmp`;
    copyFileSync(file, tmp);
    renameSync(tmp, component);
  }
  const imports = new Set(inspection.imports.map(unversioned));
  const ungranted = GRANTS.filter(([i, cap]) => imports.has(i) && source.capabilities[cap].length === 0).map(([i, cap]) => `${i} (capabilities.${cap})`);
  const from = existsSync(sourceFile) ? `../plugin.yaml and ${file}` : file;
  const manifest = writeBuiltManifest(dist, source, `plugin manifest\` from ${from}`, [
    `kind ${kind} and contract ${contract} read from the component's exports.`,
    ...ungranted.map((u) => `imports ${u}: denied until granted`),
  ]);
  return { manifest, component, kind, contract, ungranted };
}

/** A manifest name from a file name: my_reader.wasm -> my_reader; lowercase, safe characters. */
function nameOf(file: string): string {
  const name = basename(file).replace(/\.wasm$/, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  if (!name) throw new ConfigError('PLUGIN_INIT_INVALID', `cannot name a plugin after ${file}: pass --name`);
  return name;
}
