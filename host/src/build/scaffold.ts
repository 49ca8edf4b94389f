/**
 * `dativo-host plugin init`: writes a new plugin crate that builds and passes
 * `dativo-host plugin test` as it is. Rust only for now (scaffold-rust.ts holds the
 * templates); the crate has its own [workspace] table so it builds standalone
 * wherever it is, inside this repository or not.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import { ConfigError } from '../errors/index.js';
import { tsTemplates } from './scaffold-ts.js';
import { packageRoot } from '../package-root.js';
import { rustTemplates } from './scaffold-rust.js';
import { testTemplates } from './scaffold-tests.js';

export type ScaffoldKind = 'reader' | 'writer';
export type ScaffoldLang = 'rust' | 'ts';

export interface ScaffoldOptions {
  name: string;
  lang: ScaffoldLang;
  kind: ScaffoldKind;
  /** The crate's folder (default: ./NAME). It must not exist or be empty. */
  dir?: string;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
  /** How the crate depends on the SDK: a path into this package, or a registry version. */
  sdk: { path: string } | { version: string };
}

/** Lowercase letters, digits, "-" and "_": valid as a cargo package and a manifest name. */
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** The TypeScript SDK's entry module shipped with this package. */
export const TS_SDK_ENTRY = join(packageRoot, 'plugins-ts', 'sdk', 'src', 'index.ts');

/** dativo-host/testing's entry (built to dist/), which the scaffolds' own tests import. */
export const KIT_ENTRY = join(packageRoot, 'dist', 'testing', 'index.js');

/** The SDK crate shipped with this package, if present (a repository checkout). */
export const SDK_DIR = join(packageRoot, 'plugins-rust', 'dativo-plugin-sdk');

export function scaffoldPlugin(opts: ScaffoldOptions): ScaffoldResult {
  if (!NAME.test(opts.name)) {
    throw new ConfigError('PLUGIN_INIT_INVALID', `plugin name "${opts.name}" must be lowercase letters, digits, "-" or "_", starting with a letter`);
  }
  if (opts.lang !== 'rust' && opts.lang !== 'ts') throw new ConfigError('PLUGIN_INIT_UNSUPPORTED', `--lang ${String(opts.lang)} is not supported by plugin init (rust or ts)`);
  const dir = resolve(opts.dir ?? opts.name);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ConfigError('PLUGIN_INIT_EXISTS', `${dir} exists and is not empty: plugin init writes only into a new or empty folder`);
  }

  if (opts.lang === 'ts') {
    if (!existsSync(TS_SDK_ENTRY)) throw new ConfigError('PLUGIN_INIT_UNSUPPORTED', `the TypeScript SDK is not in this installation (${TS_SDK_ENTRY})`);
    const sdkImport = relativePath(join(dir, 'src'), TS_SDK_ENTRY).replace(/\.ts$/, '.js');
    const tests = testTemplates({ name: opts.name, kind: opts.kind, lang: 'ts', kitPath: relativePath(dir, KIT_ENTRY) });
    return writeFiles(dir, { ...tsTemplates({ name: opts.name, kind: opts.kind, sdkImport }), ...tests }, { path: sdkImport });
  }

  let sdk: ScaffoldResult['sdk'];
  if (existsSync(join(SDK_DIR, 'Cargo.toml'))) {
    sdk = { path: relativePath(dir, SDK_DIR) };
  } else {
    sdk = { version: '0.1' };
  }

  const tests = testTemplates({ name: opts.name, kind: opts.kind, lang: 'rust', kitPath: relativePath(dir, KIT_ENTRY) });
  return writeFiles(dir, { ...rustTemplates({ name: opts.name, kind: opts.kind, sdk }), ...tests }, sdk);
}

/**
 * The SDK as a path relative to the plugin's folder, never absolute: it survives a git
 * clone and a reinstall of dativo-host (node_modules/dativo-host/... from a project that
 * depends on it; ../../plugins-rust/... inside a checkout). Moving the plugin folder
 * alone breaks it (docs/rust-plugins.md).
 */
function relativePath(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function writeFiles(dir: string, files: Record<string, string>, sdk: ScaffoldResult['sdk']): ScaffoldResult {
  for (const [file, text] of Object.entries(files)) {
    const abs = join(dir, file);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return { dir, files: Object.keys(files), sdk };
}
