/** The probe reader run through the real host (sandbox, worker) with a given secret manager. */
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { SecretManager } from '../../host/src/secrets/secret-manager.js';
import { fixture, writeManifest } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

export interface SecretRead {
  value?: unknown;
  error?: string;
  ok: boolean;
}

/** Starts `instances` probe instances granted `granted`, each reading secret `name`. */
export async function readThroughProbe(secrets: SecretManager, granted: string[], name: string, instances = 1, lang: 'rust' | 'ts' = 'rust') {
  const logs = new MemoryLogDestination();
  const manifest = writeManifest(fixture(lang, 'probe-reader'), { name: 'probe-secrets', capabilities: { secrets: granted } });
  const plugin = await loadPlugin({ manifest, env: {}, secrets, logger: createLogger({ destination: logs, level: 'debug' }) });
  const reads: SecretRead[] = [];
  for (let i = 0; i < instances; i++) {
    const reader = await plugin.openReader();
    try {
      for await (const batch of reader.read({ config: { action: 'secret', name }, stream: 'probe' })) {
        const line = new TextDecoder().decode(batch.bytes).split('\n').find((l) => l.trim());
        if (line) reads.push(JSON.parse(line) as SecretRead);
      }
    } finally {
      await reader.close();
    }
  }
  return { reads, logs };
}

/** Counts the names a manager is asked for (the real manager still answers). */
export function counting(inner: SecretManager): SecretManager & { asked: string[] } {
  const asked: string[] = [];
  return { kind: inner.kind, asked, get: (n: string) => (asked.push(n), inner.get(n)) };
}

/**
 * A CLI run of a job whose Rust probe plugin, granted `api_token`, reads it through the
 * job's `secrets` block (debug logging on, one attempt); returns the CLI's output.
 */
export function runSecretJob(secrets: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const probe = writeManifest(fixture('rust', 'probe-reader'), { name: 'secret-source', capabilities: { secrets: ['api_token'] } });
  const ws = jobWorkspace(0);
  ws.writeJob({
    source: { plugin: probe, objects: ['orders'], config: { action: 'secret', name: 'api_token' } },
    secrets,
    policy: { secrets: ['api_token'] },
    retries: { max_attempts: 1, base_delay_ms: 10 },
  });
  return runCli(['run', ws.jobFile], { env: { ...env, DATIVO_LOG_LEVEL: 'debug' } });
}

