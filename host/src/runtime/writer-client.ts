import type { PluginInstance } from './plugin-instance.js';
import type { Batch, CommitInfo, PluginSpec, StreamDescriptor } from './plugin-types.js';
import { specFromWire, streamToWire } from './plugin-types.js';
import { HostError } from '../errors/index.js';
import { explainConfigError, targetConfigKey } from '../config/plugin-config.js';

/** One stream's sink in a writer plugin: write batches, then commit or abort. */
export class SinkClient {
  constructor(private readonly instance: PluginInstance, private readonly handle: number) {}

  /** Sends a batch; its buffer is transferred to the worker, so the caller must not reuse it. */
  async write(batch: Batch): Promise<void> {
    const { bytes } = batch;
    // An Arrow IPC or JSON Lines batch is never 0 bytes; a buffer already sent by an earlier
    // write is (it was transferred, so it is detached): refuse it instead of sending nothing.
    if (bytes.byteLength === 0) {
      throw new HostError('BATCH_INVALID', 'host', 'a writer batch has 0 bytes: its buffer was already sent by an earlier write (write() transfers it) or is empty; pass a fresh buffer to each write');
    }
    const transferable = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
    await this.instance.call('sink.write', [this.handle, batch], transferable ? [bytes.buffer as ArrayBuffer] : []);
  }

  async commit(): Promise<CommitInfo> {
    const c = await this.instance.call<{ records: bigint; bytes: bigint; locations: string[] }>('sink.commit', [this.handle]);
    return { records: Number(c.records), bytes: Number(c.bytes), locations: c.locations };
  }

  async abort(): Promise<void> {
    await this.instance.call('sink.abort', [this.handle]);
  }
}

/** The writer lifecycle (spec, check, open sink) over one sandboxed instance. */
export class WriterClient {
  constructor(readonly instance: PluginInstance) {}

  /** A call given the config: its PLUGIN_CONFIG error comes back in job keys (target.config). */
  #withConfig<T>(config: unknown, call: () => Promise<T>): Promise<T> {
    return call().catch(async (e: unknown) => {
      throw await explainConfigError(e, () => this.spec(), config, targetConfigKey);
    });
  }

  async spec(): Promise<PluginSpec> {
    return specFromWire(await this.instance.call('writer.spec'));
  }

  async check(config: unknown): Promise<void> {
    await this.#withConfig(config, () => this.instance.call('writer.check', [JSON.stringify(config)]));
  }

  async openSink(config: unknown, stream: StreamDescriptor): Promise<SinkClient> {
    const open = { config: JSON.stringify(config), stream: streamToWire(stream) };
    const handle = await this.#withConfig(config, () => this.instance.call<number>('sink.open', [open]));
    return new SinkClient(this.instance, handle);
  }

  close(): Promise<void> {
    return this.instance.terminate();
  }
}
