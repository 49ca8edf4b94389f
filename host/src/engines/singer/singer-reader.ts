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
import { isJsonString, JsonScanner, quotedBytes } from '../json-scan.js';
import { retypedColumns, typeOpenColumns } from '../open-types.js';
import { RecordBatcher } from '../record-batcher.js';
import { descriptorsOf, nameOf, selectStream, type SingerCatalog } from './catalog.js';

const RECORD = quotedBytes('RECORD');
const OPEN_BRACE = 0x7b;

export class SingerReader extends EngineReader {
  async spec(): Promise<PluginSpec> {
    // Singer has no spec command: the tap's settings are its own documentation.
    return { version: `singer (${this.source.name})`, configSchema: { type: 'object' }, encodings: ['json-lines'] };
  }

  /**
   * A tap has no check command: a discovery that succeeds is the check (with
   * engine_config.catalog the tap is not started: the read is the first check).
   */
  async check(config: unknown): Promise<void> {
    await this.#catalog(config);
  }

  async discover(config: unknown): Promise<StreamDescriptor[]> {
    return descriptorsOf(await this.#catalog(config));
  }

  #cached: { key: string; catalog: SingerCatalog } | undefined;

  /** The tap's catalog for `config`: engine_config.catalog, or one discovery per reader (check then read reuse it). */
  async #catalog(config: unknown): Promise<SingerCatalog> {
    const key = JSON.stringify(config);
    if (this.#cached?.key === key) return this.#cached.catalog;
    let catalog = this.catalogFromFile() as SingerCatalog | undefined;
    if (catalog === undefined) {
      const text = await this.output(['--config', { file: 'config.json', value: await this.connectorConfig(config) }, '--discover']);
      try {
        catalog = JSON.parse(text) as SingerCatalog;
      } catch (e) {
        throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `--discover did not print a JSON catalog (${(e as Error).message})`);
      }
    }
    if (!Array.isArray(catalog?.streams)) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `${this.source.catalogFile ?? '--discover'} has no "streams" list`);
    this.#cached = { key, catalog };
    // Open contract columns typed by the tap's schema of the stream, before the run uses the contract.
    const own = catalog.streams.find((s) => nameOf(s) === this.ctx.contract.name || s.tap_stream_id === this.ctx.contract.name);
    if (own) typeOpenColumns(this.ctx.contract, own.schema);
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
    const ours = [[quotedBytes(req.stream), req.stream], [quotedBytes(streamId), streamId]] as const;
    const isOurs = (b: Uint8Array, s: number, e: number) => ours.some(([q, name]) => isJsonString(b, s, e, q, name));
    const scanner = new JsonScanner(['type', 'stream', 'record']);
    const r = scanner.ranges;
    for await (const lines of this.stdout(args)) for (let k = 0; k < lines.starts.length; k++) {
      if (!this.scanned(scanner, lines, k)) continue;
      const b = lines.bytes;
      const n = lines.first + k;
      // A RECORD (nearly every line) goes on as its record's bytes, unparsed (json-scan.ts).
      if (isJsonString(b, r[0]!, r[1]!, RECORD, 'RECORD')) {
        if (!isOurs(b, r[2]!, r[3]!)) continue;
        if (b[r[4]!] !== OPEN_BRACE) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n}: a RECORD without a record object`, { line: n });
        for (const batch of batcher.add(b, r[4]!, r[5]!)) yield batch;
        continue;
      }
      const msg = this.messageAt(lines, k);
      switch (msg.type) {
        case 'STATE':
          batcher.state(JSON.stringify(msg.value ?? null));
          break;
        case 'SCHEMA': {
          if (msg.stream !== req.stream && msg.stream !== streamId) break;
          this.ctx.log.debug({ schema: msg.schema, keyProperties: msg.key_properties }, 'tap schema');
          const changed = retypedColumns(this.ctx.contract, msg.schema);
          if (changed.length > 0) {
            const why = `stdout line ${n}: the SCHEMA message types open contract columns otherwise than the discovered catalog did (${changed.join(', ')}); give them a logicalType in the contract`;
            throw engineError('ENGINE_SCHEMA_CHANGED', this.source.name, why, { line: n, columns: changed });
          }
          break;
        }
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
