/** dativo-host as a library: what the CLI is built on, for CI and other embedders. */
export * from './errors/index.js';
export { createLogger, MemoryLogDestination, type Logger } from './logging/logger.js';
export { loadManifest, type PluginManifest } from './config/manifest.js';
export { effectiveGrant, type CapabilityPolicy, type EffectiveGrant } from './capabilities/grant.js';
export { loadPlugin, type LoadedPlugin, type LoadPluginOptions } from './runtime/load-plugin.js';
export { ReaderClient } from './runtime/reader-client.js';
export { WriterClient, SinkClient } from './runtime/writer-client.js';
export { runCommand, type RunCommandOptions } from './runtime/run-command.js';
export { CONTRACT_VERSION } from './runtime/contract.js';
export { tuneJsTiering, tuneWasmTiering } from './runtime/v8-tiering.js';
export { StaticSecretManager, EnvSecretManager, type SecretManager } from './secrets/secret-manager.js';
export type { Batch, PluginSpec, StreamDescriptor, ReadRequest, CommitInfo } from './runtime/plugin-types.js';
export { loadJob, type Job } from './config/job.js';
export { planJob, type RunPlan } from './pipeline/plan.js';
export { runJob, type RunOptions, type RunSummary, type StreamSummary } from './pipeline/run-job.js';
export type { Progress } from './pipeline/progress.js';
export { RunMetrics } from './observability/metrics.js';
export { startTracing, type Tracing } from './observability/tracing.js';
export { FileStateStore, type StateStore, type StreamState } from './state/state-store.js';
export { LocalTarget } from './targets/local-target.js';
export type { Target, CommitRecord, CommittedFile } from './targets/target.js';
export { FileSecretManager } from './secrets/file-secret-manager.js';
export { buildPlugin, type BuiltPlugin } from './build/build-plugin.js';
export { loadContract, validateBatch, type DataContract, type ContractObject } from './contracts/index.js';
export { S3Target, type S3TargetOptions } from './targets/s3-target.js';
export {
  reviewPlugin, approvePlugin, revokePlugin, verifyApproval, checkApproval, inspectComponent, generateKeys,
  type PluginReview, type ApprovalCheck, type Finding, type Approval, type ReviewPolicy,
} from './capabilities/review/index.js';
export type { JobPolicy } from './capabilities/job-policy.js';
