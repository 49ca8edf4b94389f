import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { loadYamlFile } from '../../config/yaml-file.js';
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
