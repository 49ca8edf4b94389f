import { resolve } from 'node:path';
import type { PluginManifest } from '../config/manifest.js';
import { ConfigError } from '../errors/index.js';
import { isWithin } from './filesystem/containment.js';
import { hostMatches, parseOriginPattern } from './http/origin.js';

/** What one plugin instance may do: the manifest narrowed by the job's policy. */
export interface EffectiveGrant {
  plugin: string;
  filesystem: FilesystemGrant[];
  /** scheme://host:port patterns. */
  http: string[];
  /** host:port entries. */
  tcp: string[];
  env: string[];
  secrets: string[];
  limits: Limits;
}

export interface FilesystemGrant {
  guest: string;
  host: string;
  readOnly: boolean;
}

export interface Limits {
  memoryMb: number;
  callTimeoutMs: number;
  maxBatchBytes: number;
  /** Bytes of stdout + stderr kept in the log per instance; the rest is dropped and counted. */
  maxOutputBytes: number;
  maxBatchRows: number;
  maxBatchExpandedBytes: number;
  maxCheckpointBytes: number;
  maxJsonLineBytes: number;
  maxMessageBytes: number;
  maxLogFields: number;
}

/** The manifest's `limits` keys, as the job policy may lower them. */
export type LimitKey =
  | 'memory_mb' | 'call_timeout_ms' | 'max_batch_bytes' | 'max_output_bytes' | 'max_batch_rows'
  | 'max_batch_expanded_bytes' | 'max_checkpoint_bytes' | 'max_json_line_bytes'
  | 'max_message_bytes' | 'max_log_fields';

/**
 * A job's capability policy: the ceiling of every kind. A kind the policy has no list for
 * is denied (deny by default applies to the ceiling too); `filesystem` narrows the job's
 * own bindings, which stand when it is absent. No policy at all (an embedding calling
 * loadPlugin without one) is no ceiling: the manifest's grants as asked.
 */
export interface CapabilityPolicy {
  filesystem?: { host: string; access: 'read' | 'read-write' }[];
  http?: string[];
  tcp?: string[];
  env?: string[];
  secrets?: string[];
  limits?: Partial<Record<LimitKey, number>>;
}

export interface Narrowing {
  capability: string;
  entry: string;
  reason: string;
}

const originCovers = (policy: string, entry: string): boolean => {
  const p = parseOriginPattern(policy);
  const e = parseOriginPattern(entry);
  return (p.scheme === '*' || p.scheme === e.scheme) && hostMatches(p.host, e.host) && (p.port === '*' || p.port === e.port);
};

const tcpCovers = (policy: string, entry: string): boolean => {
  const [ph, pp] = splitHostPort(policy);
  const [eh, ep] = splitHostPort(entry);
  return hostMatches(ph, eh) && pp === ep;
};

export function splitHostPort(s: string): [string, string] {
  const i = s.lastIndexOf(':');
  return [s.slice(0, i).replace(/^\[|\]$/g, '').toLowerCase(), s.slice(i + 1)];
}

/**
 * Narrows a manifest's grants by a policy. Never widens: every entry kept is in the
 * manifest. Host folders come from the job only: `bindings` (guest path -> host folder)
 * give each manifest filesystem entry its folder; access stays the manifest's.
 */
export function effectiveGrant(
  manifest: PluginManifest,
  policy: CapabilityPolicy | undefined = undefined,
  bindings: Record<string, string> = {},
): { grant: EffectiveGrant; narrowed: Narrowing[] } {
  const narrowed: Narrowing[] = [];
  const caps = manifest.capabilities;
  const keep = <T>(capability: string, entries: T[], allowed: ((e: T) => boolean) | undefined, show: (e: T) => string): T[] =>
    entries.filter((e) => {
      if (!policy || allowed?.(e)) return true;
      const reason = allowed ? 'not allowed by the job policy' : `the job policy has no ${capability} list`;
      narrowed.push({ capability, entry: show(e), reason });
      return false;
    });

  const filesystem: FilesystemGrant[] = [];
  for (const entry of caps.filesystem) {
    const host = bindings[entry.guest];
    if (host === undefined) {
      throw new ConfigError(
        'PLUGIN_MOUNT_UNBOUND',
        `plugin "${manifest.name}" needs a host folder for ${entry.guest} (${manifest.file}); the job must provide one (for example its source files)`,
        { details: { plugin: manifest.name, guest: entry.guest } },
      );
    }
    const g = { ...entry, host };
    const ceiling = policy?.filesystem?.filter((p) => isWithin(resolve(p.host), resolve(g.host)));
    if (ceiling && ceiling.length === 0) {
      narrowed.push({ capability: 'filesystem', entry: `${g.host} -> ${g.guest}`, reason: 'host path outside the job policy' });
      continue;
    }
    const policyAllowsWrite = !ceiling || ceiling.some((p) => p.access === 'read-write');
    if (g.access === 'read-write' && !policyAllowsWrite) {
      narrowed.push({ capability: 'filesystem', entry: `${g.host} -> ${g.guest}`, reason: 'made read-only by the job policy' });
    }
    filesystem.push({ guest: g.guest, host: resolve(g.host), readOnly: g.access === 'read' || !policyAllowsWrite });
  }

  const names = (list: string[] | undefined) => (list ? (n: string) => list.includes(n) : undefined);
  const pl = policy?.limits ?? {};
  const ml = manifest.limits;
  const min = (a: number, b: number | undefined) => (b === undefined ? a : Math.min(a, b));

  return {
    grant: {
      plugin: manifest.name,
      filesystem,
      http: keep('http', caps.http, policy?.http && ((e) => policy.http!.some((p) => originCovers(p, e))), String),
      tcp: keep('tcp', caps.tcp, policy?.tcp && ((e) => policy.tcp!.some((p) => tcpCovers(p, e))), String),
      env: keep('env', caps.env, names(policy?.env), String),
      secrets: keep('secrets', caps.secrets, names(policy?.secrets), String),
      limits: {
        memoryMb: min(ml.memory_mb, pl.memory_mb),
        callTimeoutMs: min(ml.call_timeout_ms, pl.call_timeout_ms),
        maxBatchBytes: min(ml.max_batch_bytes, pl.max_batch_bytes),
        maxOutputBytes: min(ml.max_output_bytes, pl.max_output_bytes),
        maxBatchRows: min(ml.max_batch_rows, pl.max_batch_rows),
        maxBatchExpandedBytes: min(ml.max_batch_expanded_bytes, pl.max_batch_expanded_bytes),
        maxCheckpointBytes: min(ml.max_checkpoint_bytes, pl.max_checkpoint_bytes),
        maxJsonLineBytes: min(ml.max_json_line_bytes, pl.max_json_line_bytes),
        maxMessageBytes: min(ml.max_message_bytes, pl.max_message_bytes),
        maxLogFields: min(ml.max_log_fields, pl.max_log_fields),
      },
    },
    narrowed,
  };
}
