import type { Limits } from '../capabilities/grant.js';
import { boundsOf, checkBatch } from './bounds/index.js';
import type { PluginInstance } from './plugin-instance.js';
import type { Batch, PluginSpec, ReadRequest, StreamDescriptor } from './plugin-types.js';
import { specFromWire, streamFromWire } from './plugin-types.js';
import { explainConfigError, sourceConfigKey, type ConfigKeyOf } from '../config/plugin-config.js';

/** The reader lifecycle (spec, check, discover, read) over one sandboxed instance. */
export class ReaderClient {
  /** Names the job key of a config path in PLUGIN_CONFIG errors (default: a job's source). */
  configKeyOf: ConfigKeyOf = sourceConfigKey;

  constructor(readonly instance: PluginInstance, private readonly limits: Limits) {}

  /** A call given the config: its PLUGIN_CONFIG error comes back in job keys. */
  #withConfig<T>(config: unknown, call: () => Promise<T>): Promise<T> {
    return call().catch(async (e: unknown) => {
      throw await explainConfigError(e, () => this.spec(), config, this.configKeyOf);
    });
  }

  async spec(): Promise<PluginSpec> {
    return specFromWire(await this.instance.call('reader.spec'));
  }

  async check(config: unknown): Promise<void> {
    await this.#withConfig(config, () => this.instance.call('reader.check', [JSON.stringify(config)]));
  }

  async discover(config: unknown): Promise<StreamDescriptor[]> {
    const streams = await this.#withConfig(config, () =>
      this.instance.call<Parameters<typeof streamFromWire>[0][]>('reader.discover', [JSON.stringify(config)]),
    );
    return streams.map(streamFromWire);
  }

  /**
   * Yields the stream's batches; each batch's bytes were transferred, not copied, from the
   * worker, and checked against the plugin's bounds (rows, expanded bytes, well-formed
   * headers) before it is yielded.
   */
  async *read(req: ReadRequest): AsyncGenerator<Batch> {
    const open = {
      config: JSON.stringify(req.config),
      stream: req.stream,
      schema: req.schema === undefined ? undefined : JSON.stringify(req.schema),
      checkpoint: req.checkpoint,
      maxBatchBytes: BigInt(this.limits.maxBatchBytes),
    };
    const handle = await this.#withConfig(req.config, () => this.instance.call<number>('reader.open', [open]));
    const bounds = boundsOf(this.limits, req.schema);
    try {
      for (;;) {
        const batch = await this.instance.call<Batch | undefined>('extraction.next', [handle]);
        if (!batch) return;
        checkBatch(this.instance.plugin, batch, bounds);
        yield batch;
      }
    } finally {
      if (this.instance.alive) await this.instance.call('resource.drop', [handle]).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    return this.instance.terminate();
  }
}
