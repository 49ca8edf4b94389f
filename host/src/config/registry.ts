import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { loadYamlFile } from './yaml-file.js';

const connectorSchema = z
  .object({
    roles: z.array(z.enum(['source', 'target'])).min(1),
    engines_supported: z.array(z.enum(['wasm', 'builtin'])).min(1),
    supports_incremental: z.boolean().default(false),
    incremental_strategies: z.array(z.enum(['cursor', 'file_mtime'])).default([]),
    incremental_strategy_default: z.enum(['cursor', 'file_mtime', 'full_refresh']).default('full_refresh'),
    allowed_in_cloud: z.boolean().default(true),
    description: z.string().optional(),
  })
  .strict();

export const registrySchema = z.object({ connectors: z.record(z.string(), connectorSchema) }).strict();

export type ConnectorEntry = z.output<typeof connectorSchema>;
export interface Registry {
  file: string;
  connectors: Record<string, ConnectorEntry>;
}

export function loadRegistry(file: string): Registry {
  return { file, ...loadYamlFile(file, registrySchema, 'connector registry') };
}

/** The registry entry of `type` in `role`, or a ConfigError naming what the registry allows. */
export function connectorFor(registry: Registry, type: string, role: 'source' | 'target', jobFile: string): ConnectorEntry {
  const entry = registry.connectors[type];
  const key = role === 'source' ? 'source_connector' : 'target_connector';
  if (!entry) {
    throw new ConfigError('CONFIG_UNKNOWN_CONNECTOR', `${jobFile}: ${key}: unknown connector "${type}" (registry ${registry.file} has: ${Object.keys(registry.connectors).join(', ')})`, {
      details: { file: jobFile, key, connector: type },
    });
  }
  if (!entry.roles.includes(role)) {
    throw new ConfigError('CONFIG_CONNECTOR_ROLE', `${jobFile}: ${key}: connector "${type}" cannot be a ${role} (roles: ${entry.roles.join(', ')})`, {
      details: { file: jobFile, key, connector: type },
    });
  }
  return entry;
}
