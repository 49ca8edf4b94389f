import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { loadRecipe } from './recipe.js';
import { connectorFor, loadRegistry } from './registry.js';

const registry = loadRegistry(join(packageRoot, 'registry', 'connectors.yaml'));
const refusal = (type: string, role: 'source' | 'target'): ConfigError => {
  try {
    connectorFor(registry, type, role, 'job.yaml');
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error(`${type} was accepted as a ${role}`);
};

describe('the shipped connector registry', () => {
  it('every source connector has a recipe on an engine the registry allows; a wasm one names a reader plugin in the repo', () => {
    const sources = Object.entries(registry.connectors).filter(([, c]) => c.roles.includes('source'));
    expect(sources.map(([type]) => type)).toEqual(expect.arrayContaining(['airbyte', 'csv', 'jsonl', 'rest_api', 'singer']));
    for (const [type, entry] of sources) {
      const recipe = loadRecipe(join(packageRoot, 'connectors', `${type}.yaml`));
      expect(entry.engines_supported, type).toContain(recipe.engine);
      if (recipe.engine !== 'wasm') {
        // Subprocess engines run outside the sandbox: never in the cloud environment.
        expect(entry.allowed_in_cloud, type).toBe(false);
        continue;
      }
      expect(recipe.pluginPath, type).toBeDefined();
      // dist/plugin.yaml is built; the plugin's crate next to dist/ is in the repository.
      expect(existsSync(join(dirname(dirname(recipe.pluginPath!)), 'Cargo.toml')), type).toBe(true);
    }
  });

  it.each(['parquet', 's3'])('%s as a source is refused: no reader exists yet', (type) => {
    const e = refusal(type, 'source');
    expect(e.code).toBe('CONFIG_CONNECTOR_UNAVAILABLE');
    expect(e.origin).toBe('config');
    expect(e.message).toMatch(new RegExp(`job\\.yaml: source_connector: connector "${type}" cannot be a source: no reader exists for it yet \\(.+\\)`));
  });

  it('parquet, s3 and local still are targets', () => {
    for (const type of ['parquet', 's3', 'local']) expect(connectorFor(registry, type, 'target', 'job.yaml').roles).toContain('target');
  });
});
