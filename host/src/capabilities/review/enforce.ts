import type { Logger } from 'pino';
import type { PluginManifest } from '../../config/manifest.js';
import { audit } from '../../logging/logger.js';
import { DEFAULT_LOCK, readLock } from './lock-file.js';
import { approvalError, checkApproval } from './verify.js';

/** A job's review settings (policy.require_review, review_lock, trusted_keys; its environment). */
export interface ReviewPolicy {
  /** true: every plugin of the job needs an approval. false cannot lift an environment's rule. */
  require?: boolean;
  /** The job's `environment`, matched against DATIVO_REQUIRE_REVIEW_IN and the lock's require_review_in. */
  environment?: string;
  /** Lock file (default: DATIVO_REVIEW_LOCK, else the package's registry/plugins.lock.yaml). */
  lock?: string;
  /** Trusted keys file (default: DATIVO_TRUSTED_KEYS, else the package's registry/trusted-keys.yaml). */
  trustedKeys?: string;
}

export interface ReviewRequirement {
  required: boolean;
  /** What made it required, for the audit record. */
  because?: string;
  lock: string;
  trustedKeys?: string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** Whether a plugin load must find an approval: the job, the environment, or the lock say so. */
export function reviewRequirement(policy: ReviewPolicy | undefined, env: NodeJS.ProcessEnv = process.env): ReviewRequirement {
  const lock = policy?.lock ?? env.DATIVO_REVIEW_LOCK ?? DEFAULT_LOCK;
  const trustedKeys = policy?.trustedKeys ?? env.DATIVO_TRUSTED_KEYS;
  const environment = policy?.environment;
  let because: string | undefined;
  if (policy?.require === true) because = 'policy.require_review';
  else if (env.DATIVO_REQUIRE_REVIEW === '1' || env.DATIVO_REQUIRE_REVIEW === 'true') because = 'DATIVO_REQUIRE_REVIEW';
  else if (environment !== undefined && list(env.DATIVO_REQUIRE_REVIEW_IN).includes(environment)) {
    because = `DATIVO_REQUIRE_REVIEW_IN (environment ${environment})`;
  } else if (environment !== undefined && readLock(lock).require_review_in.includes(environment)) {
    because = `require_review_in of ${lock} (environment ${environment})`;
  }
  return { required: because !== undefined, because, lock, trustedKeys };
}

/**
 * Refuses, before instantiation, a plugin whose approval is missing, revoked, not signed
 * by a trusted key, or narrower than what its manifest asks for now. One audit record
 * per check, passed or refused.
 */
export function enforceReview(
  manifest: PluginManifest,
  component: { digest: string; imports: string[] },
  policy: ReviewPolicy | undefined,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const req = reviewRequirement(policy, env);
  if (!req.required) return;
  const check = checkApproval(manifest, component, { lock: req.lock, trustedKeys: req.trustedKeys });
  audit(logger, check.status === 'approved' ? 'review.verified' : 'review.refused', {
    status: check.status,
    ...(check.code ? { code: check.code } : {}),
    sha256: check.sha256,
    lock: check.lock,
    required_by: req.because,
    ...(check.approval ? { reviewer: check.approval.reviewer, approved_version: check.approval.version, key_id: check.approval.key_id } : {}),
    ...(check.differences.length ? { differences: check.differences } : {}),
  });
  if (check.status !== 'approved') throw approvalError(check);
}
