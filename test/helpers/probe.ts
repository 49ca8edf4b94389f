import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { CapabilityPolicy } from '../../host/src/capabilities/grant.js';
import { StaticSecretManager } from '../../host/src/secrets/secret-manager.js';
import type { HostError } from '../../host/src/errors/index.js';
import { fixture, writeManifest } from './fixtures.js';

export interface ProbeOutcome {
  /** Every JSON line the probe emitted, across all batches. */
  rows: Record<string, unknown>[];
  /** The report line of a one-action probe (rows[0]). */
  report: { action: string; ok: boolean; value?: unknown; error?: string } | undefined;
  /** The host error the read failed with, if it failed. */
  error: HostError | undefined;
  logs: MemoryLogDestination;
}

export interface ProbeOptions {
  lang?: 'rust' | 'ts';
  component?: string;
  capabilities?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  policy?: CapabilityPolicy;
  env?: NodeJS.ProcessEnv;
  secrets?: Record<string, string>;
  checkpoint?: string;
  /** 'report' to see what the guest observed after a denial; default 'fail'. */
  onDenial?: 'fail' | 'report';
}

/** Runs one probe action through the real host (manifest, sandbox, worker) and reports what happened. */
export async function runProbe(config: Record<string, unknown>, opts: ProbeOptions = {}): Promise<ProbeOutcome> {
  const logs = new MemoryLogDestination();
  const component = opts.component ?? fixture(opts.lang ?? 'rust', 'probe-reader');
  // Host folders come from the job (bindings), never the manifest: split them off.
  const { capabilities, bindings } = splitHostFolders(opts.capabilities);
  const manifest = writeManifest(component, {
    name: `probe-${opts.lang ?? 'rust'}`,
    ...(capabilities ? { capabilities } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const plugin = await loadPlugin({
    manifest,
    policy: opts.policy,
    bindings,
    env: opts.env ?? {},
    secrets: new StaticSecretManager(opts.secrets ?? {}),
    logger: createLogger({ destination: logs, level: 'debug' }),
    onDenial: opts.onDenial,
  });
  const reader = await plugin.openReader();
  const rows: Record<string, unknown>[] = [];
  let error: HostError | undefined;
  try {
    for await (const batch of reader.read({ config, stream: 'probe', checkpoint: opts.checkpoint })) {
      const text = new TextDecoder().decode(batch.bytes);
      for (const line of text.split('\n')) if (line.trim()) rows.push(JSON.parse(line) as Record<string, unknown>);
    }
  } catch (e) {
    error = e as HostError;
  } finally {
    await reader.close();
  }
  return { rows, report: rows[0] as ProbeOutcome['report'], error, logs };
}

/** `capabilities` with filesystem entries {guest, host, access} as manifest entries {guest, access} + bindings. */
export function splitHostFolders(capabilities: Record<string, unknown> | undefined): {
  capabilities: Record<string, unknown> | undefined;
  bindings: Record<string, string>;
} {
  const entries = capabilities?.filesystem as { guest: string; host?: string; access?: string }[] | undefined;
  if (!entries) return { capabilities, bindings: {} };
  const bindings: Record<string, string> = {};
  const filesystem = entries.map(({ host, ...entry }) => {
    if (host !== undefined) bindings[entry.guest] = host;
    return entry;
  });
  return { capabilities: { ...capabilities, filesystem }, bindings };
}
