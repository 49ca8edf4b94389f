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
export { StaticSecretManager, EnvSecretManager, type SecretManager } from './secrets/secret-manager.js';
export type { Batch, PluginSpec, StreamDescriptor, ReadRequest, CommitInfo } from './runtime/plugin-types.js';
