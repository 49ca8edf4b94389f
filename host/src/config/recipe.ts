import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from './yaml-file.js';

/**
 * A connector recipe (connectors/*.yaml): how a connector type runs. The job names
 * the recipe; the recipe names the plugin, its default config and where job files go.
 */
export const recipeSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    description: z.string().optional(),
    /** wasm: a plugin in the sandbox; builtin: inside the host; singer, airbyte: a subprocess (host/src/engines/). */
    engine: z.enum(['wasm', 'builtin', 'singer', 'airbyte']),
    /** The reader or writer plugin's manifest (built: its dist/plugin.yaml), relative to the recipe. */
    plugin: z.string().optional(),
    /** Guest folder at which the job's `source.files` are mounted (read-only). */
    files_mount: z.string().startsWith('/').optional(),
    default_config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type Recipe = z.output<typeof recipeSchema> & { file: string; pluginPath?: string };

export function loadRecipe(file: string): Recipe {
  const r = loadYamlFile(file, recipeSchema, 'connector recipe');
  const pluginPath = r.plugin === undefined ? undefined : isAbsolute(r.plugin) ? r.plugin : resolve(dirname(file), r.plugin);
  return { ...r, file, pluginPath };
}
