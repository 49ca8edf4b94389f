/** Reviewed plugins: inspect a component, approve it (signed lock entry), verify at load. */
export { inspectComponent, type ComponentInspection } from './inspect-component.js';
export { reviewPlugin, type PluginReview, type ReviewOptions } from './review.js';
export { approvePlugin, revokePlugin, type ApproveOptions, type ApproveResult, type RevokeOptions } from './approve.js';
export { verifyApproval, checkApproval, type ApprovalCheck, type ApprovalStatus, type VerifyOptions } from './verify.js';
export { enforceReview, reviewRequirement, type ReviewPolicy } from './enforce.js';
export { generateKeys, type GeneratedKeys } from './signing.js';
export type { Finding, Severity } from './findings.js';
export type { Difference } from './differences.js';
export type { Approval, Revocation, PluginLock } from './lock-file.js';
