import { existsSync, mkdirSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { loadYamlFile } from '../../config/yaml-file.js';
import { ConfigError } from '../../errors/index.js';
import { writeAtomic } from '../../files/atomic-write.js';
import { packageRoot } from '../../package-root.js';

/** The package's lock of reviewed plugins (registry/plugins.lock.yaml). */
export const DEFAULT_LOCK = join(packageRoot, 'registry', 'plugins.lock.yaml');

const fsEntry = z.object({ guest: z.string(), access: z.enum(['read', 'read-write']) });

/** What an approval covers: the manifest's grants as written (placeholders unfilled). */
export const approvedCapabilities = z.object({
  filesystem: z.array(fsEntry),
  http: z.array(z.string()),
  tcp: z.array(z.string()),
  env: z.array(z.string()),
  secrets: z.array(z.string()),
});
export type ApprovedCapabilities = z.output<typeof approvedCapabilities>;

// Loose: fields a tamperer adds are kept, so they break the signature instead of vanishing.
const approvalSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  kind: z.string(),
  contract: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  capabilities: approvedCapabilities,
  limits: z.record(z.string(), z.number()),
  imports: z.array(z.string()),
  exports: z.array(z.string()),
  accepted: z.array(z.string()).default([]),
  reviewer: z.string(),
  approved_at: z.string(),
  note: z.string().optional(),
  key_id: z.string(),
  signature: z.string(),
});
export type Approval = z.output<typeof approvalSchema>;

const revocationSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  revoked_at: z.string(),
  revoked_by: z.string().optional(),
  reason: z.string().optional(),
  approved_by: z.string().optional(),
  approved_at: z.string().optional(),
});
export type Revocation = z.output<typeof revocationSchema>;

const lockSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Environments (a job's `environment`) where every plugin needs an approval. */
    require_review_in: z.array(z.string()).default([]),
    approvals: z.array(approvalSchema).default([]),
    revocations: z.array(revocationSchema).default([]),
  })
  .strict();
export type PluginLock = z.output<typeof lockSchema>;

const EMPTY: PluginLock = { version: 1, require_review_in: [], approvals: [], revocations: [] };

/** The lock file, or an empty lock when the file does not exist. */
export function readLock(file: string): PluginLock {
  if (!existsSync(file)) return structuredClone(EMPTY);
  return loadYamlFile(file, lockSchema, 'reviewed-plugins lock');
}

const HEADER = [
  '# Reviewed plugins: written by `dativo-host plugin approve` and `plugin revoke`.',
  '# Each approval is signed (Ed25519) over all of its fields: an edited entry no longer',
  '# verifies. See docs/reviewing-plugins.md. require_review_in: the job environments',
  '# where every plugin a job loads needs an approval.',
].join('\n');

export async function writeLock(file: string, lock: PluginLock): Promise<void> {
  await writeAtomic(file, `${HEADER}\n${stringify(lock, { lineWidth: 0 })}`);
}

/** The signed part of an approval: every field but the signature. */
export function signedPart(a: Approval): Record<string, unknown> {
  const { signature: _s, ...rest } = a;
  return rest;
}

/** A `<lock>.lock` file older than this is left over by a crashed writer and taken over. */
const STALE_MS = 30_000;

/**
 * Runs one read-modify-write of the lock with `<lock>.lock` held (created exclusively),
 * so two approvals at once do not lose one another's entry.
 */
export async function updateLock<T>(file: string, update: (lock: PluginLock) => T, waitMs = 10_000): Promise<T> {
  const guard = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      closeSync(openSync(guard, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSafe(guard) ?? Date.now());
      if (age > STALE_MS) rmSync(guard, { force: true });
      else if (Date.now() > until) {
        throw new ConfigError('REVIEW_LOCK_BUSY', `${guard} is held by another approve or revoke (remove it if none runs)`, { details: { file: guard } });
      } else await sleep(50);
    }
  }
  try {
    const lock = readLock(file);
    const result = update(lock);
    await writeLock(file, lock);
    return result;
  } finally {
    rmSync(guard, { force: true });
  }
}

const statSafe = (f: string): number | undefined => {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return undefined;
  }
};
