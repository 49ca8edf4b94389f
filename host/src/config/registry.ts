import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { loadYamlFile } from './yaml-file.js';

const role = z.enum(['source', 'target']);

const connectorSchema = z
  .object({
    roles: z.array(role).default([]),
    /**
     * Roles the connector type is meant to play but cannot yet (no reader or writer exists),
     * each with what to tell a job that asks for it: refused at planning, not at run time.
     */
    unavailable: z.object({ source: z.string().optional(), target: z.string().optional() }).strict().default({}),
    engines_supported: z.array(z.enum(['wasm', 'builtin', 'singer', 'airbyte'])).min(1),
    supports_incremental: z.boolean().default(false),
    incremental_strategies: z.array(z.enum(['cursor', 'file_mtime'])).default([]),
    incremental_strategy_default: z.enum(['cursor', 'file_mtime', 'full_refresh']).default('full_refresh'),
    allowed_in_cloud: z.boolean().default(true),
    description: z.string().optional(),
  })
  .strict()
  .refine((c) => c.roles.length > 0 || Object.keys(c.unavailable).length > 0, 'needs roles (or unavailable roles)');

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
  const unavailable = entry.unavailable[role];
  if (unavailable !== undefined) {
    const what = role === 'source' ? 'reader' : 'writer';
    throw new ConfigError('CONFIG_CONNECTOR_UNAVAILABLE', `${jobFile}: ${key}: connector "${type}" cannot be a ${role}: no ${what} exists for it yet (${unavailable}; registry ${registry.file})`, {
      details: { file: jobFile, key, connector: type, role, missing: what },
    });
  }
  if (!entry.roles.includes(role)) {
    throw new ConfigError('CONFIG_CONNECTOR_ROLE', `${jobFile}: ${key}: connector "${type}" cannot be a ${role} (roles: ${entry.roles.join(', ')})`, {
      details: { file: jobFile, key, connector: type },
    });
  }
  return entry;
}
