import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../errors/index.js';
import { loadJob } from './job.js';
import { loadRecipe } from './recipe.js';
import { loadRegistry } from './registry.js';
import { closest } from './suggest.js';

const write = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'yaml-file-')), name);
  writeFileSync(file, text);
  return file;
};
const errorOf = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('did not throw');
};

const job = `tenant_id: acme
source_connector: csv
target_connector: local
asset_path: c.odcs.yaml
source: { files: [data/orders.csv] }
target: { connection: { local: { path: out } } }
`;

describe('closest key', () => {
  it('finds likely typos and nothing for unrelated words', () => {
    expect(closest('sorce', ['source', 'target', 'secrets'])).toBe('source');
    expect(closest('taget', ['source', 'target'])).toBe('target');
    expect(closest('Source', ['source', 'state'])).toBe('source');
    expect(closest('fiels', ['files', 'config', 'objects'])).toBe('files');
    expect(closest('compresion', ['compression', 'connection'])).toBe('compression');
    expect(closest('zzz', ['env', 'tcp', 'http'])).toBeUndefined();
    expect(closest('banana', ['source', 'target'])).toBeUndefined();
  });
});

describe('a mistyped key is named, with the closest valid key', () => {
  it('job, top level: the typo, not the required key it left missing', () => {
    const e = errorOf(() => loadJob(write('job.yaml', job.replace('source:', 'sorce:'))));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/job\.yaml: sorce: unknown key \(did you mean "source"\?\)$/);
    expect(e.details.issues).toContainEqual({ key: 'source', message: 'required key is missing (expected object)' });
  });

  it('job, nested and inside a union (target.connection)', () => {
    expect(errorOf(() => loadJob(write('job.yaml', job.replace('files:', 'fiels:')))).message).toMatch(
      /source\.fiels: unknown key \(did you mean "files"\?\)/,
    );
    expect(errorOf(() => loadJob(write('job.yaml', job.replace('{ local:', '{ locl:')))).message).toMatch(
      /target\.connection\.locl: unknown key \(did you mean "local"\?\)/,
    );
  });

  it('an unknown key with nothing close says only that', () => {
    expect(errorOf(() => loadJob(write('job.yaml', `${job}banana: 1\n`))).message).toMatch(/: banana: unknown key$/);
  });

  it('recipe and registry files too', () => {
    const recipe = write('r.yaml', 'name: r\ntype: csv\nengine: wasm\ndefault_confg: {}\n');
    expect(errorOf(() => loadRecipe(recipe)).message).toMatch(/default_confg: unknown key \(did you mean "default_config"\?\)/);
    const registry = write('c.yaml', 'connectors:\n  csv:\n    roles: [source]\n    engines_suported: [wasm]\n');
    expect(errorOf(() => loadRegistry(registry)).message).toMatch(
      /connectors\.csv\.engines_suported: unknown key \(did you mean "engines_supported"\?\)/,
    );
  });
});
