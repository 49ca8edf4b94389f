import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PluginManifest } from '../../config/manifest.js';
import { PluginError } from '../../errors/index.js';
import { packageRoot } from '../../package-root.js';
import {
  capabilitiesOf, describeDifference, grantDifferences, importDifferences, type Difference,
} from './differences.js';
import { DEFAULT_LOCK, readLock, signedPart, type Approval } from './lock-file.js';
import { inspectSubmission } from './review.js';
import { loadTrustedKeys, verifyPayload } from './signing.js';

/** The package's trusted keys file, used when neither the job nor the environment names one. */
export const DEFAULT_TRUSTED_KEYS = join(packageRoot, 'registry', 'trusted-keys.yaml');

export interface VerifyOptions {
  lock?: string;
  trustedKeys?: string;
}

export type ApprovalStatus = 'approved' | 'not-reviewed' | 'mismatch' | 'invalid' | 'revoked';

export interface ApprovalCheck {
  status: ApprovalStatus;
  /** PLUGIN_NOT_REVIEWED, PLUGIN_REVIEW_MISMATCH, PLUGIN_REVIEW_INVALID, PLUGIN_REVIEW_REVOKED. */
  code?: string;
  message: string;
  plugin: string;
  sha256: string;
  lock: string;
  approval?: Approval;
  /** The key owner whose signature verified. */
  signedBy?: string;
  differences: Difference[];
}

const CODES: Record<Exclude<ApprovalStatus, 'approved'>, string> = {
  'not-reviewed': 'PLUGIN_NOT_REVIEWED',
  mismatch: 'PLUGIN_REVIEW_MISMATCH',
  invalid: 'PLUGIN_REVIEW_INVALID',
  revoked: 'PLUGIN_REVIEW_REVOKED',
};

/**
 * Checks a manifest and its component (digest, imports) against the lock: an approval of
 * this digest, signed by a trusted key, not revoked since, covering every grant and limit
 * the manifest asks for now. A manifest may ask for less than was approved.
 */
export function checkApproval(
  manifest: PluginManifest,
  component: { digest: string; imports: string[] },
  opts: VerifyOptions = {},
): ApprovalCheck {
  const lock = resolve(opts.lock ?? DEFAULT_LOCK);
  const name = manifest.name;
  const digest = component.digest;
  const base = { plugin: name, sha256: digest, lock, differences: [] as Difference[] };
  const reviewCmd = `dativo-host plugin review ${manifest.file} --lock ${lock}`;
  type Failed = Exclude<ApprovalStatus, 'approved'>;
  const fail = (status: Failed, message: string, extra: Partial<ApprovalCheck> = {}): ApprovalCheck =>
    ({ ...base, ...extra, status, code: CODES[status], message });
  const because = (reason?: string) => (reason ? ` (${reason})` : '');

  const entries = readLock(lock);
  const ofThis = <T extends { name: string; sha256: string }>(list: T[]) =>
    list.filter((x) => x.name === name && x.sha256 === digest);
  const approval = ofThis(entries.approvals)[0];
  if (!approval) {
    const gone = ofThis(entries.revocations).at(-1);
    if (gone) {
      const when = `revoked at ${gone.revoked_at}${because(gone.reason)}`;
      return fail('revoked', `plugin "${name}" ${gone.version} (sha256 ${digest}) was ${when}: review and approve it again to run it`);
    }
    const others = entries.approvals
      .filter((a) => a.name === name)
      .map((a) => `${a.version} (sha256 ${a.sha256.slice(0, 12)}...)`);
    const what = others.length ? `approved: ${others.join(', ')}` : 'no version of it is approved';
    return fail('not-reviewed', `plugin "${name}" component sha256 ${digest} has no approval in ${lock} (${what}): review it with ${reviewCmd}`);
  }
  const which = `plugin "${name}" ${approval.version}`;
  // A revocation newer than the approval: the old signed entry put back stays refused.
  const revoked = ofThis(entries.revocations).find((r) => r.revoked_at >= approval.approved_at);
  if (revoked) {
    const when = `revoked at ${revoked.revoked_at}${because(revoked.reason)}`;
    return fail('revoked', `${which} (sha256 ${digest}) was approved by ${approval.reviewer} and ${when}`, { approval });
  }
  const keysFile = opts.trustedKeys
    ? resolve(opts.trustedKeys)
    : existsSync(DEFAULT_TRUSTED_KEYS) ? DEFAULT_TRUSTED_KEYS : undefined;
  if (!keysFile) {
    const where = 'set policy.trusted_keys in the job or DATIVO_TRUSTED_KEYS';
    return fail('invalid', `plugin "${name}": no trusted keys file (${where}), so no approval can be verified`, { approval });
  }
  const trusted = loadTrustedKeys(keysFile).get(approval.key_id);
  if (!trusted) {
    return fail('invalid', `${which}: its approval is signed by key ${approval.key_id}, which ${keysFile} does not trust`, { approval });
  }
  if (!verifyPayload(signedPart(approval), approval.signature, trusted.key)) {
    const key = `key ${approval.key_id} (${trusted.owner})`;
    return fail('invalid', `${which}: the signature of its approval in ${lock} does not verify with ${key}: the entry was changed after it was signed`, { approval });
  }
  const now = { capabilities: capabilitiesOf(manifest), limits: { ...manifest.limits } };
  const differences = [...grantDifferences(approval, now), ...importDifferences(approval.imports, component.imports)];
  const signedBy = trusted.owner;
  if (differences.length > 0) {
    const listed = differences.map(describeDifference).join('; ');
    const message = `plugin "${name}" asks for more than ${approval.reviewer} approved: ${listed} (review it with ${reviewCmd})`;
    return fail('mismatch', message, { approval, signedBy, differences });
  }
  const message = `approved by ${approval.reviewer} at ${approval.approved_at}, signed by ${signedBy} (${trusted.id})`;
  return { ...base, status: 'approved', message, approval, signedBy };
}

/** The typed error of a failed check. */
export function approvalError(c: ApprovalCheck): PluginError {
  const { status, sha256, lock, differences } = c;
  return new PluginError(c.code!, c.plugin, c.message, {
    details: { status, sha256, lock, differences, approvedVersion: c.approval?.version },
  });
}

/**
 * verifyApproval for CI: reads a plugin folder or plugin.yaml and its component (digest
 * and imports from the binary), and checks them against the lock. Never throws for a
 * refusal: the result says why.
 */
export async function verifyApproval(path: string, opts: VerifyOptions = {}): Promise<ApprovalCheck> {
  const { manifest, inspection } = await inspectSubmission(path);
  if (!manifest) {
    throw new PluginError('REVIEW_NEEDS_MANIFEST', 'component', `${path}: verification needs the plugin's manifest`);
  }
  return checkApproval(manifest, { digest: inspection.sha256, imports: inspection.imports }, opts);
}
