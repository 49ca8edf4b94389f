import { readFileSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const REPO = resolve(import.meta.dirname, '../..');
export const FIXTURE_DIR = join(REPO, 'test', '.build');
export const FIXTURE_INDEX = join(FIXTURE_DIR, 'fixtures.json');
/**
 * The cargo target dir the scaffold tests share. It lives in the cache dir, not in the
 * checkout, so a fresh clone does not rebuild the standard library (host and wasm) that
 * every scaffolded crate needs: minutes on 2 cores.
 */
export const SCAFFOLD_TARGET_DIR = join(process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host'), 'test-scaffold-target');

interface FixtureIndex {
  rust: Record<string, string>;
  ts: Record<string, string>;
}

/** The path of a fixture component built by the global setup, e.g. fixture('rust', 'probe-reader'). */
export function fixture(lang: 'rust' | 'ts', name: string): string {
  const index = JSON.parse(readFileSync(FIXTURE_INDEX, 'utf8')) as FixtureIndex;
  const path = index[lang][name];
  if (!path) throw new Error(`fixture ${lang}/${name} was not built (have: ${Object.keys(index[lang]).join(', ')})`);
  return path;
}

/** The component of a shipped plugin (plugins-rust/NAME), built into its dist/ by the test setup. */
export const shippedComponent = (name: string): string => join(REPO, 'plugins-rust', name, 'dist', `${name}.wasm`);

export const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

export const tempDir = (prefix = 'dativo-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Writes a plugin.yaml for a fixture component into a fresh folder and returns its path. */
export function writeManifest(component: string, fields: Record<string, unknown> = {}): string {
  const dir = tempDir('dativo-manifest-');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'probe',
    version: '0.1.0',
    kind: 'reader',
    contract: '0.1.0',
    component,
    sha256: sha256File(component),
    ...fields,
  };
  const file = join(dir, 'plugin.yaml');
  writeFileSync(file, stringify(manifest));
  return file;
}
