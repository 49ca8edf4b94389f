/**
 * Planning of a source that runs on a subprocess engine: the recipe's engine must be one
 * the registry's `engines_supported` lists for the connector (checked before anything
 * runs), the job must not bind files (a connector reads what its own config names), and
 * the user is told the connector runs outside the sandbox.
 */
import { dirname } from 'node:path';
import type { Job } from '../config/job.js';
import type { ConnectorEntry } from '../config/registry.js';
import type { Recipe } from '../config/recipe.js';
import { ENGINES, resolveEngineSource, type EngineName, type EngineSource } from './engine-config.js';

type Fail = (key: string, message: string, code?: string) => never;

/** The engine that runs the job's source (checked against the registry), resolved when it is a subprocess engine. */
export function planSourceEngine(job: Job, entry: ConnectorEntry, recipe: Recipe | undefined, notes: string[], fail: Fail): EngineSource | undefined {
  const engine = recipe?.engine ?? 'wasm';
  if (!entry.engines_supported.includes(engine)) {
    fail(recipe ? 'source_connector_path' : 'source_connector', `connector "${job.source_connector}" may not run on the ${engine} engine${recipe ? ` (recipe ${recipe.file})` : ''}: the registry allows ${entry.engines_supported.join(', ')} (engines_supported)`, 'CONFIG_ENGINE_NOT_ALLOWED');
  }
  const raw = job.source.engine_config;
  if (!ENGINES.includes(engine as EngineName)) {
    if (raw !== undefined) fail('source.engine_config', `only a singer or airbyte source takes engine_config (this source's engine is ${engine})`);
    return undefined;
  }
  if (job.paths.sourceFiles.length > 0 || Object.keys(job.paths.streamFiles).length > 0) {
    fail(job.paths.sourceFiles.length > 0 ? 'source.files' : 'source.objects', `a ${engine} connector reads what its own config names (source.config), not source files`);
  }
  if (job.source.plugin !== undefined) fail('source.plugin', `a ${engine} source runs a connector, not a plugin`);
  const source = resolveEngineSource(engine as EngineName, raw, dirname(job.file), fail);
  notes.push(`${source.name} runs as a subprocess OUTSIDE the WebAssembly sandbox: it can do what the host's user can, within an empty environment, a private folder, rlimits and timeouts (docs/SECURITY.md, "Subprocess engines")`);
  return source;
}
