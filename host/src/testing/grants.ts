/**
 * Temporary grants for a test: added to an in-memory copy of the plugin's manifest for
 * the instances a test starts, never written to plugin.yaml. They go through the same
 * sandbox as a job's (capabilities/sandbox.ts: one `capability.granted` audit record
 * each, the same checks on every call); only where they come from differs.
 */
import { resolve } from 'node:path';
import type { PluginManifest } from '../config/manifest.js';

export interface TestGrants {
  /** Guest path -> host folder (read-only), or { host, access }. */
  folders?: Record<string, string | { host: string; access?: 'read' | 'read-write' }>;
  /** Origins (scheme://host:port) added to the manifest's http list. */
  http?: string[];
  /** TCP addresses (host:port) added to the manifest's tcp list. */
  tcp?: string[];
  /** Environment variables granted with these values (the process env is not read). */
  env?: Record<string, string>;
  /** Secrets granted with these values (a StaticSecretManager). */
  secrets?: Record<string, string>;
}

export interface AppliedGrants {
  manifest: PluginManifest;
  bindings: Record<string, string>;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

const union = (a: string[], b: string[] = []): string[] => [...new Set([...a, ...b])];

/** The manifest widened by `grants` for this test, and the job-side values they need. */
export function applyGrants(manifest: PluginManifest, grants: TestGrants = {}): AppliedGrants {
  const caps = manifest.capabilities;
  const filesystem = [...caps.filesystem];
  const bindings: Record<string, string> = {};
  for (const [guest, g] of Object.entries(grants.folders ?? {})) {
    const { host, access = 'read' } = typeof g === 'string' ? { host: g } : g;
    bindings[guest] = resolve(host);
    const i = filesystem.findIndex((f) => f.guest === guest);
    const entry = { guest, access };
    // The test's access wins for its own guest path (read-write to let a writer write).
    if (i >= 0) filesystem[i] = entry;
    else filesystem.push(entry);
  }
  const env = grants.env ?? {};
  const secrets = grants.secrets ?? {};
  return {
    manifest: {
      ...manifest,
      capabilities: {
        filesystem,
        http: union(caps.http, grants.http),
        tcp: union(caps.tcp, grants.tcp),
        env: union(caps.env, Object.keys(env)),
        secrets: union(caps.secrets, Object.keys(secrets)),
      },
    },
    bindings,
    env,
    secrets,
  };
}
