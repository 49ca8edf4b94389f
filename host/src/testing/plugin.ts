/**
 * A plugin under test: built from its folder (or loaded from a built manifest) through the
 * host's own buildPlugin and loadPlugin, with temporary grants, a log kept in memory, and
 * the reader and writer lifecycles one call away.
 */
import { buildPlugin } from '../build/build-plugin.js';
import { loadManifest, type PluginManifest } from '../config/manifest.js';
import { createLogger, MemoryLogDestination } from '../logging/logger.js';
import { loadPlugin, type LoadedPlugin } from '../runtime/load-plugin.js';
import type { ReaderClient } from '../runtime/reader-client.js';
import type { WriterClient } from '../runtime/writer-client.js';
import { StaticSecretManager } from '../secrets/secret-manager.js';
import { applyGrants, type TestGrants } from './grants.js';
import { readStream, type ReadResult, type StreamRead } from './read-stream.js';

export interface TestPluginOptions {
  grants?: TestGrants;
  /** The plugin's config: fills `{{ config.KEY }}` grant placeholders. */
  config?: Record<string, unknown>;
  /** Log level of the in-memory log (default: debug). */
  logLevel?: string;
  /** The transpiled-component cache (default: the host's cache folder). */
  cacheDir?: string;
  /**
   * A denied call: 'fail' (default, as in a job) fails it with CAPABILITY_DENIED;
   * 'report' records the denial and lets the guest see the WASI error.
   */
  onDenial?: 'fail' | 'report';
}

export interface TestPlugin {
  readonly loaded: LoadedPlugin;
  /** The manifest with the test's grants, as the sandbox saw it. */
  readonly manifest: PluginManifest;
  /** Every log line of the plugin's instances (audit records included), as JSON objects. */
  readonly logs: MemoryLogDestination;
  /** A new reader instance; closed by close() if the test does not close it. */
  openReader(): Promise<ReaderClient>;
  /** A new writer instance; closed by close() if the test does not close it. */
  openWriter(): Promise<WriterClient>;
  /** Reads one stream in a new instance, to the end, as rows (see read-stream.ts). */
  read(request: StreamRead): Promise<ReadResult>;
  /** Reads on from where `previous` stopped: a new instance given its last checkpoint. */
  resume(previous: ReadResult, request?: Partial<StreamRead>): Promise<ReadResult>;
  /** Terminates every instance still running. */
  close(): Promise<void>;
}

/** Loads a built plugin (dist/plugin.yaml) with the test's grants. */
export async function loadTestPlugin(manifestFile: string | PluginManifest, opts: TestPluginOptions = {}): Promise<TestPlugin> {
  const base = typeof manifestFile === 'string' ? loadManifest(manifestFile) : manifestFile;
  const { manifest, bindings, env, secrets } = applyGrants(base, opts.grants);
  const logs = new MemoryLogDestination();
  const loaded = await loadPlugin({
    manifest,
    bindings,
    env,
    secrets: new StaticSecretManager(secrets),
    config: opts.config,
    cacheDir: opts.cacheDir,
    onDenial: opts.onDenial,
    logger: createLogger({ destination: logs, level: opts.logLevel ?? 'debug' }),
  });
  const open = new Set<{ close(): Promise<void> }>();
  const track = <T extends { close(): Promise<void> }>(client: T): T => {
    const close = client.close.bind(client);
    client.close = async () => {
      open.delete(client);
      await close();
    };
    open.add(client);
    return client;
  };
  const plugin: TestPlugin = {
    loaded,
    manifest,
    logs,
    openReader: async () => track(await loaded.openReader()),
    openWriter: async () => track(await loaded.openWriter()),
    async read(request) {
      const reader = await plugin.openReader();
      try {
        return await readStream(reader, request);
      } finally {
        await reader.close();
      }
    },
    resume: (previous, request = {}) => plugin.read({ ...previous.request, ...request, checkpoint: previous.checkpoint }),
    async close() {
      await Promise.all([...open].map((c) => c.close()));
    },
  };
  return plugin;
}

/**
 * Builds the plugin in `dir` with `dativo-host plugin build` (cached by source), then
 * loads its dist/plugin.yaml as loadTestPlugin does.
 */
export async function buildTestPlugin(dir: string, opts: TestPluginOptions & { log?: (line: string) => void } = {}): Promise<TestPlugin> {
  const built = await buildPlugin(dir, { log: opts.log ?? (() => undefined) });
  return loadTestPlugin(built.manifest, opts);
}
