import type { Logger } from 'pino';
import { loadManifest, type PluginManifest } from '../config/manifest.js';
import type { EffectiveGrant } from '../capabilities/grant.js';
import type { JobPolicy } from '../capabilities/job-policy.js';
import { buildSandbox } from '../capabilities/sandbox.js';
import { enforceReview, type ReviewPolicy } from '../capabilities/review/enforce.js';
import { createLogger } from '../logging/logger.js';
import { ConfigError, contractMismatch } from '../errors/index.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import { prepareComponent, type PreparedComponent } from './component-cache.js';
import { CONTRACT_VERSION, contractVersionOf, isCompatible } from './contract.js';
import { PluginInstance } from './plugin-instance.js';
import { ReaderClient } from './reader-client.js';
import { WriterClient } from './writer-client.js';

export interface LoadPluginOptions {
  /** Path of plugin.yaml, or a manifest already loaded. */
  manifest: string | PluginManifest;
  /**
   * The job's capability policy: narrows the manifest's grants, never widens them; a kind
   * it has no list for is denied. Absent: no ceiling (the manifest's grants as asked).
   */
  policy?: JobPolicy;
  secrets?: SecretManager;
  /** Where granted environment variables are read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  cacheDir?: string;
  /** Host folders of the manifest's filesystem entries, by guest path: from the job only. */
  bindings?: Record<string, string>;
  /** See InstanceOptions.onDenial: 'fail' (default) or 'report'. */
  onDenial?: 'fail' | 'report';
  /** Review settings (default: the policy's); see docs/reviewing-plugins.md. */
  review?: ReviewPolicy;
  /** The plugin's config, which fills the manifest's grant placeholders (default: the policy's). */
  config?: Record<string, unknown>;
}

/** A verified, transpiled plugin: ready to start sandboxed instances. */
export interface LoadedPlugin {
  manifest: PluginManifest;
  grant: EffectiveGrant;
  component: PreparedComponent;
  contractVersion: string;
  /** Starts a new instance in its own worker and sandbox. */
  instantiate(): Promise<PluginInstance>;
  /** A new instance of a reader plugin, with the reader lifecycle. */
  openReader(): Promise<ReaderClient>;
  /** A new instance of a writer plugin, with the writer lifecycle. */
  openWriter(): Promise<WriterClient>;
}

/**
 * Loads a plugin: its manifest, its component (refused if the digest differs or the
 * contract version is incompatible), and its effective grant.
 */
export async function loadPlugin(opts: LoadPluginOptions): Promise<LoadedPlugin> {
  const manifest = typeof opts.manifest === 'string' ? loadManifest(opts.manifest) : opts.manifest;
  const logger = (opts.logger ?? createLogger()).child({ plugin: manifest.name });
  const component = await prepareComponent(manifest.componentPath, { plugin: manifest.name, expectedSha256: manifest.sha256, cacheDir: opts.cacheDir });

  const found = contractVersionOf(component.exports);
  if (manifest.kind !== 'command') {
    if (!found || found.world !== manifest.kind) {
      throw contractMismatch(manifest.name, found ? `${found.version} (${found.world})` : 'none (no dativo:plugin export)', `${CONTRACT_VERSION} (${manifest.kind})`);
    }
    if (!isCompatible(found.version)) throw contractMismatch(manifest.name, found.version, CONTRACT_VERSION);
    if (found.version !== manifest.contract) {
      throw contractMismatch(manifest.name, `${found.version} (component) but ${manifest.contract} (manifest)`, CONTRACT_VERSION);
    }
  }

  // Before any grant is built: an unreviewed or widened plugin never gets an instance.
  const env = opts.env ?? process.env;
  enforceReview(manifest, component, opts.review ?? opts.policy?.review, logger, env);
  const sandbox = buildSandbox({
    manifest,
    policy: opts.policy,
    bindings: opts.bindings,
    config: opts.config ?? opts.policy?.config?.[manifest.kind as 'reader' | 'writer'],
    env,
    secrets: opts.secrets,
    logger,
  });
  const { grant } = sandbox;

  const kindMustBe = (kind: string) => {
    if (manifest.kind !== kind) throw new ConfigError('PLUGIN_KIND_MISMATCH', `plugin "${manifest.name}" is a ${manifest.kind}, not a ${kind} (${manifest.file})`);
  };

  const plugin: LoadedPlugin = {
    manifest,
    grant,
    component,
    contractVersion: found?.version ?? '',
    async openReader() {
      kindMustBe('reader');
      return new ReaderClient(await plugin.instantiate(), grant.limits);
    },
    async openWriter() {
      kindMustBe('writer');
      return new WriterClient(await plugin.instantiate());
    },
    async instantiate() {
      return PluginInstance.start({
        plugin: manifest.name,
        component,
        limits: grant.limits,
        logger: opts.logger ?? logger,
        onDenial: opts.onDenial,
        sandbox: await sandbox.spec(),
      });
    },
  };
  return plugin;
}
