/**
 * The one place a plugin instance's sandbox is decided (after wasmtime's WasiCtxBuilder):
 * the manifest's grants, placeholders filled from the job's config, narrowed by the job's
 * policy, host folders from the job's bindings only; one audit record per grant at load;
 * for each instance, the granted environment values and secrets resolved by the host.
 *
 * Defaults deny: no binding, no folder; a policy kind with no list, nothing of that kind
 * (grant.ts); an env name not granted is absent; a secret not granted is never read.
 */
import type { Logger } from 'pino';
import type { PluginManifest } from '../config/manifest.js';
import { audit, registerSecretValues } from '../logging/logger.js';
import { noSecrets, type SecretManager } from '../secrets/secret-manager.js';
import { effectiveGrant, type CapabilityPolicy, type EffectiveGrant } from './grant.js';
import type { SandboxSpec } from './imports.js';
import { fillPlaceholders } from './placeholders.js';

export interface SandboxInputs {
  manifest: PluginManifest;
  /** The job's ceiling (absent: none, as for a plugin run by hand). */
  policy?: CapabilityPolicy;
  /** Guest path -> host folder, from the job. */
  bindings?: Record<string, string>;
  /** The plugin's config: fills the manifest's grant placeholders. */
  config?: Record<string, unknown>;
  /** Where granted environment variables are read from. */
  env: NodeJS.ProcessEnv;
  secrets?: SecretManager;
  logger: Logger;
}

export interface Sandbox {
  readonly grant: EffectiveGrant;
  /** One instance's sandbox: the grant, and the values of its env names and secrets. */
  spec(): Promise<SandboxSpec>;
}

export function buildSandbox(inputs: SandboxInputs): Sandbox {
  const { manifest, logger } = inputs;
  const { manifest: concrete, filled } = fillPlaceholders(manifest, inputs.config);
  for (const f of filled) audit(logger, 'grant.placeholder', { capability: 'http', template: f.template, key: f.key, entry: f.entry });
  const { grant, narrowed } = effectiveGrant(concrete, inputs.policy, inputs.bindings);
  for (const n of narrowed) audit(logger, 'grant.narrowed', { ...n });
  auditGrants(logger, grant);
  const secretManager = inputs.secrets ?? noSecrets;
  return {
    grant,
    async spec() {
      const secrets: Record<string, string> = {};
      for (const name of grant.secrets) {
        const value = await secretManager.get(name);
        if (value !== undefined) secrets[name] = value;
      }
      // No line of the run's log may repeat a secret value (logging/secret-scan.ts).
      registerSecretValues(logger, Object.values(secrets));
      const env = grant.env.flatMap((k) => (inputs.env[k] === undefined ? [] : [[k, inputs.env[k]!] as [string, string]]));
      return { plugin: manifest.name, grant, env, secrets, secretManager: secretManager.kind, args: [] };
    },
  };
}

/** Every grant an instance of this plugin will have, one audit record each, at load. */
function auditGrants(logger: Logger, grant: EffectiveGrant): void {
  const granted = (capability: string, entry: Record<string, unknown>) => audit(logger, 'capability.granted', { capability, ...entry });
  for (const f of grant.filesystem) granted('filesystem', { guest: f.guest, host: f.host, access: f.readOnly ? 'read' : 'read-write' });
  for (const e of grant.http) granted('http', { entry: e });
  for (const e of grant.tcp) granted('tcp', { entry: e });
  for (const e of grant.env) granted('env', { entry: e });
  for (const e of grant.secrets) granted('secrets', { entry: e });
}
