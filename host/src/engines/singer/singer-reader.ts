/**
 * A Singer tap as a source reader: `--discover` for the catalog, then one run with the
 * job's stream selected, its config, catalog and state in a private folder. stdout is
 * read message by message: RECORD of the stream -> JSON Lines batches the contract types;
 * STATE -> the checkpoint of the batch holding the records before it (committed with
 * them, never before); SCHEMA and ACTIVATE_VERSION are logged.
 */
import { engineError } from '../../errors/engine-errors.js';
import type { Batch, PluginSpec, ReadRequest, StreamDescriptor } from '../../runtime/plugin-types.js';
import { EngineReader, type ConnectorArgs } from '../engine-reader.js';
import { RecordBatcher } from '../record-batcher.js';
import { descriptorsOf, nameOf, selectStream, type SingerCatalog } from './catalog.js';

export class SingerReader extends EngineReader {
  async spec(): Promise<PluginSpec> {
    // Singer has no spec command: the tap's settings are its own documentation.
    return { version: `singer (${this.source.name})`, configSchema: { type: 'object' }, encodings: ['json-lines'] };
  }

  /** A tap has no check command: a discovery that succeeds is the check. */
  async check(config: unknown): Promise<void> {
    await this.#catalog(config);
  }

  async discover(config: unknown): Promise<StreamDescriptor[]> {
    return descriptorsOf(await this.#catalog(config));
  }

  #cached: { key: string; catalog: SingerCatalog } | undefined;

  /** The tap's catalog for `config` (one discovery per reader: check then read reuse it). */
  async #catalog(config: unknown): Promise<SingerCatalog> {
    const key = JSON.stringify(config);
    if (this.#cached?.key === key) return this.#cached.catalog;
    const text = await this.output(['--config', { file: 'config.json', value: await this.connectorConfig(config) }, '--discover']);
    let catalog: SingerCatalog;
    try {
      catalog = JSON.parse(text) as SingerCatalog;
    } catch (e) {
      throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `--discover did not print a JSON catalog (${(e as Error).message})`);
    }
    if (!Array.isArray(catalog?.streams)) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, '--discover printed no "streams" list');
    this.#cached = { key, catalog };
    return catalog;
  }

  async *read(req: ReadRequest): AsyncGenerator<Batch> {
    const config = await this.connectorConfig(req.config);
    const incremental = (req.config as { incremental?: { strategy: string; cursor_field?: string } }).incremental;
    const cursor = incremental?.strategy === 'cursor' ? incremental.cursor_field : undefined;
    const catalog = await this.#catalog(req.config);
    if (!catalog.streams.some((s) => nameOf(s) === req.stream || s.tap_stream_id === req.stream)) {
      throw engineError('ENGINE_STREAM_NOT_FOUND', this.source.name, `the tap offers no stream "${req.stream}" (it offers: ${catalog.streams.map(nameOf).join(', ')})`, { stream: req.stream });
    }
    const selected = selectStream(catalog, req.stream, this.ctx.contract.fields.map((f) => f.name), cursor);
    const args: ConnectorArgs = ['--config', { file: 'config.json', value: config }, '--catalog', { file: 'catalog.json', value: selected }];
    if (cursor && req.checkpoint !== undefined) args.push('--state', { file: 'state.json', value: req.checkpoint });
    const batcher = new RecordBatcher(this.source.config.batch_rows);
    const streamId = catalog.streams.find((s) => nameOf(s) === req.stream || s.tap_stream_id === req.stream)!.tap_stream_id;
    for await (const msgs of this.run(args)) for (const { n, msg } of msgs) {
      switch (msg.type) {
        case 'RECORD':
          if (msg.stream !== req.stream && msg.stream !== streamId) break;
          if (msg.record === null || typeof msg.record !== 'object' || Array.isArray(msg.record)) {
            throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n}: a RECORD without a record object`, { line: n });
          }
          for (const b of batcher.add(msg.record as Record<string, unknown>)) yield b;
          break;
        case 'STATE':
          batcher.state(JSON.stringify(msg.value ?? null));
          break;
        case 'SCHEMA':
          if (msg.stream === req.stream || msg.stream === streamId) this.ctx.log.debug({ schema: msg.schema, keyProperties: msg.key_properties }, 'tap schema');
          break;
        case 'ACTIVATE_VERSION':
          this.ctx.log.debug({ version: msg.version }, 'tap activate_version (the run commits as one version)');
          break;
        default:
          if (typeof msg.type !== 'string') throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n}: a message without a type`, { line: n });
          this.ctx.log.debug({ type: msg.type }, 'tap message ignored');
      }
    }
    yield* batcher.end();
  }
}
