import { resolve } from 'node:path';
import { ConfigError } from '../../errors/index.js';
import { describeDifference } from './differences.js';
import { DEFAULT_LOCK, signedPart, updateLock, type Approval, type Revocation } from './lock-file.js';
import { reviewPlugin, type PluginReview } from './review.js';
import { loadPrivateKey, signPayload } from './signing.js';

export interface ApproveOptions {
  reviewer: string;
  /** The reviewer's Ed25519 private key (PEM). */
  key: string;
  note?: string;
  lock?: string;
  /** Ids of blocking findings the reviewer accepts (e.g. unused-grant:http). */
  accept?: string[];
  /** The approval's time (default: now). */
  now?: Date;
}

export interface ApproveResult {
  approval: Approval;
  review: PluginReview;
  /** The entry this one replaced (same name and version), if any. */
  replaced?: Approval;
  lock: string;
}

/**
 * Writes (or replaces) the signed approval of one plugin version in the lock: what the
 * review saw, exactly. Refuses while a blocking finding is not accepted by id.
 */
export async function approvePlugin(path: string, opts: ApproveOptions): Promise<ApproveResult> {
  const lock = resolve(opts.lock ?? DEFAULT_LOCK);
  const review = await reviewPlugin(path, { lock });
  const p = review.plugin;
  if (!p.manifest || !p.version || !p.kind || !p.manifestContract) {
    throw new ConfigError('REVIEW_NEEDS_MANIFEST', `${path}: an approval covers a plugin's grants: give its plugin.yaml or its built folder, not the component alone`);
  }
  const accepted = opts.accept ?? [];
  const unknown = accepted.filter((id) => !review.findings.some((f) => f.id === id));
  if (unknown.length > 0) {
    const ids = review.findings.map((f) => f.id).join(', ') || 'none';
    throw new ConfigError('REVIEW_UNKNOWN_FINDING', `--accept ${unknown.join(', ')}: not a finding of plugin "${p.name}" (findings: ${ids})`, {
      details: { plugin: p.name, unknown },
    });
  }
  const open = review.findings.filter((f) => f.blocking && !accepted.includes(f.id));
  if (open.length > 0) {
    throw new ConfigError('REVIEW_UNRESOLVED_FINDINGS', `plugin "${p.name}" cannot be approved: ${open.map((f) => `${f.id}: ${f.message}`).join('; ')} (fix the manifest, or --accept ${open[0]!.id})`, {
      details: { plugin: p.name, findings: open },
    });
  }
  if (!opts.reviewer.trim()) throw new ConfigError('REVIEW_NO_REVIEWER', 'an approval needs --reviewer NAME');
  const { key, id } = loadPrivateKey(opts.key);
  const unsigned = {
    name: p.name,
    version: p.version,
    kind: p.kind,
    contract: p.manifestContract,
    sha256: p.sha256,
    capabilities: review.capabilities,
    limits: review.limits,
    imports: Object.values(review.imports).flat().sort(),
    exports: [...review.exports].sort(),
    accepted: review.findings.filter((f) => accepted.includes(f.id)).map((f) => f.id),
    reviewer: opts.reviewer,
    approved_at: (opts.now ?? new Date()).toISOString(),
    ...(opts.note ? { note: opts.note } : {}),
    key_id: id,
  };
  const approval = { ...unsigned, signature: signPayload(unsigned, key) } as Approval;
  const order = (a: Approval, b: Approval) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
  const replaced = await updateLock(lock, (current) => {
    const old = current.approvals.find((a) => a.name === p.name && a.version === p.version);
    current.approvals = [...current.approvals.filter((a) => a !== old), approval].sort(order);
    return old;
  });
  return { approval, review, replaced, lock };
}

export interface RevokeOptions {
  lock?: string;
  by?: string;
  reason?: string;
  now?: Date;
}

/** Removes approvals of NAME (or NAME@VERSION), keeping a revocation record of each. */
export async function revokePlugin(spec: string, opts: RevokeOptions = {}): Promise<{ revoked: Revocation[]; lock: string }> {
  const lock = resolve(opts.lock ?? DEFAULT_LOCK);
  const at = spec.lastIndexOf('@');
  const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
  const revokedAt = (opts.now ?? new Date()).toISOString();
  const revoked = await updateLock(lock, (current) => {
    const gone = current.approvals.filter((a) => a.name === name && (version === undefined || a.version === version));
    if (gone.length === 0) {
      const approved = current.approvals.map((a) => `${a.name}@${a.version}`).join(', ') || 'none';
      throw new ConfigError('REVIEW_NOT_APPROVED', `${lock} has no approval of ${spec} (approved: ${approved})`, {
        details: { lock, plugin: name, version },
      });
    }
    const records: Revocation[] = gone.map((a) => ({
      name: a.name,
      version: a.version,
      sha256: a.sha256,
      revoked_at: revokedAt,
      ...(opts.by ? { revoked_by: opts.by } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
      approved_by: a.reviewer,
      approved_at: a.approved_at,
    }));
    current.approvals = current.approvals.filter((a) => !gone.includes(a));
    current.revocations.push(...records);
    return records;
  });
  return { revoked, lock };
}

export { signedPart, describeDifference };
