/**
 * An Airbyte source (e.g. a Python source from PyPI) as a source reader: spec, check,
 * discover, and read with a configured catalog (the job's stream alone, incremental on
 * the job's cursor or full_refresh) and the last committed state. RECORD -> JSON Lines
 * batches; STATE -> checkpoints (committed with the records before them); LOG -> the log;
 * TRACE ERROR -> a retryable or terminal error; ESTIMATE -> the run's progress (and the log),
 * STREAM_STATUS -> the log;
 * CONTROL -> the updated config written back to engine_config.config_file, or reported.
 */
import { rename, writeFile } from 'node:fs/promises';
import { engineError } from '../../errors/engine-errors.js';
import type { PluginError } from '../../errors/plugin-errors.js';
import type { Batch, PluginSpec, ReadRequest, StreamDescriptor } from '../../runtime/plugin-types.js';
import { EngineReader, type ConnectorArgs } from '../engine-reader.js';
import { isJsonString, JsonScanner, quotedBytes } from '../json-scan.js';
import { typeOpenColumns } from '../open-types.js';
import { RecordBatcher } from '../record-batcher.js';
import { checkpointOf, obj, traceError } from './messages.js';

interface AirbyteStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes?: string[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}

const RECORD = quotedBytes('RECORD');
const OPEN_BRACE = 0x7b;

const LOG_LEVELS: Record<string, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', FATAL: 'fatal',
};

export class AirbyteReader extends EngineReader {
  #catalog: { key: string; streams: AirbyteStream[] } | undefined;
  estimatedRecords: number | undefined;

  async spec(): Promise<PluginSpec> {
    const m = (await this.collect(['spec'])).find((x) => x.msg.type === 'SPEC');
    const spec = obj(m?.msg.spec);
    if (!spec) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, '`spec` printed no SPEC message');
    return { version: `airbyte (${this.source.name})`, configSchema: obj(spec.connectionSpecification) ?? {}, encodings: ['json-lines'] };
  }

  async check(config: unknown): Promise<void> {
    const msgs = await this.#small(['check', '--config', { file: 'config.json', value: await this.connectorConfig(config) }]);
    const status = obj(msgs.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus);
    if (!status) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, '`check` printed no CONNECTION_STATUS message');
    if (status.status !== 'SUCCEEDED') throw engineError('ENGINE_CHECK_FAILED', this.source.name, `check failed: ${String(status.message ?? status.status)}`);
  }

  async discover(config: unknown): Promise<StreamDescriptor[]> {
    return (await this.#streams(config)).map((s) => ({
      name: s.name,
      jsonSchema: s.json_schema,
      primaryKey: (s.source_defined_primary_key ?? []).map((p) => p.join('.')),
      cursorFields: s.default_cursor_field ?? [],
      supportsIncremental: s.supported_sync_modes?.includes('incremental') ?? false,
    }));
  }

  async #streams(config: unknown): Promise<AirbyteStream[]> {
    const key = JSON.stringify(config);
    if (this.#catalog?.key === key) return this.#catalog.streams;
    let catalog = obj(this.catalogFromFile());
    if (!this.source.catalogFile) {
      const msgs = await this.#small(['discover', '--config', { file: 'config.json', value: await this.connectorConfig(config) }]);
      catalog = obj(msgs.find((m) => m.type === 'CATALOG')?.catalog);
    }
    const streams = catalog?.streams;
    if (!Array.isArray(streams)) throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `${this.source.catalogFile ?? '`discover`'} gave no catalog with a "streams" list`);
    this.#catalog = { key, streams: streams as AirbyteStream[] };
    // Open contract columns typed by the source's schema of the stream, before the run uses the contract.
    const own = this.#catalog.streams.find((s) => s.name === this.ctx.contract.name);
    if (own) typeOpenColumns(this.ctx.contract, own.json_schema);
    return this.#catalog.streams;
  }

  /** The messages of spec/check/discover, LOG and TRACE handled as in a read. */
  async #small(args: ConnectorArgs): Promise<Record<string, unknown>[]> {
    let failure: PluginError | undefined;
    const out: Record<string, unknown>[] = [];
    for await (const msgs of this.run(args, () => failure)) for (const { msg } of msgs) {
      if (msg.type === 'LOG') this.#log(msg);
      else if (msg.type === 'TRACE' && obj(msg.trace)?.type === 'ERROR') failure ??= traceError(this.source.name, obj(msg.trace)!);
      else if (out.length < 10_000) out.push(msg);
    }
    return out;
  }

  #log(msg: Record<string, unknown>): void {
    const log = obj(msg.log) ?? {};
    this.ctx.log[LOG_LEVELS[String(log.level)] ?? 'info']({ engineLog: String(log.message ?? '').slice(0, 4000) }, 'engine log');
  }

  async *read(req: ReadRequest): AsyncGenerator<Batch> {
    const config = await this.connectorConfig(req.config);
    const incremental = (req.config as { incremental?: { strategy: string; cursor_field?: string } }).incremental;
    const cursor = incremental?.strategy === 'cursor' ? incremental.cursor_field : undefined;
    const stream = (await this.#streams(req.config)).find((s) => s.name === req.stream);
    if (!stream) throw engineError('ENGINE_STREAM_NOT_FOUND', this.source.name, `the source offers no stream "${req.stream}"`, { stream: req.stream });
    if (cursor && !stream.supported_sync_modes?.includes('incremental')) {
      throw engineError('ENGINE_CONFIG_ERROR', this.source.name, `stream "${req.stream}" cannot be read incrementally (sync modes: ${(stream.supported_sync_modes ?? []).join(', ')})`);
    }
    const configured = {
      streams: [{
        stream,
        sync_mode: cursor ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
        ...(cursor ? { cursor_field: stream.source_defined_cursor ? stream.default_cursor_field : [cursor] } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      }],
    };
    const args: ConnectorArgs = ['read', '--config', { file: 'config.json', value: config }, '--catalog', { file: 'catalog.json', value: configured }];
    if (cursor && req.checkpoint !== undefined) args.push('--state', { file: 'state.json', value: req.checkpoint });
    const batcher = new RecordBatcher(this.source.config.batch_rows);
    let failure: PluginError | undefined;
    const scanner = new JsonScanner(['type', 'record']);
    const inner = new JsonScanner(['stream', 'data']);
    const [r, d] = [scanner.ranges, inner.ranges];
    const ours = quotedBytes(req.stream);
    for await (const lines of this.stdout(args, () => failure)) for (let k = 0; k < lines.starts.length; k++) {
      if (failure) break; // after an error, only the exit matters (the rest is skipped)
      if (!this.scanned(scanner, lines, k)) continue;
      const b = lines.bytes;
      const n = lines.first + k;
      // A RECORD (nearly every line) goes on as its record.data's bytes, unparsed (json-scan.ts).
      if (isJsonString(b, r[0]!, r[1]!, RECORD, 'RECORD')) {
        if (b[r[2]!] !== OPEN_BRACE || inner.scan(b, r[2]!, r[3]!) !== 'object' || b[d[2]!] !== OPEN_BRACE) {
          throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n}: a RECORD without record.data`, { line: n });
        }
        if (isJsonString(b, d[0]!, d[1]!, ours, req.stream)) for (const batch of batcher.add(b, d[2]!, d[3]!)) yield batch;
        continue;
      }
      const msg = this.messageAt(lines, k);
      switch (msg.type) {
        case 'STATE': {
          const checkpoint = checkpointOf(obj(msg.state) ?? {}, req.stream);
          if (checkpoint !== undefined) batcher.state(checkpoint);
          break;
        }
        case 'LOG':
          this.#log(msg);
          break;
        case 'TRACE':
          failure = this.#trace(obj(msg.trace) ?? {}, req.stream);
          break;
        case 'CONTROL':
          await this.#control(obj(msg.control) ?? {}, config);
          break;
        default:
          if (typeof msg.type !== 'string') throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n}: a message without a type`, { line: n });
          this.ctx.log.debug({ type: msg.type }, 'engine message ignored');
      }
    }
    yield* batcher.end();
  }

  /** ERROR -> the run's failure; STREAM_STATUS, ESTIMATE (progress) and the rest -> the log. */
  #trace(trace: Record<string, unknown>, stream: string): PluginError | undefined {
    if (trace.type === 'ERROR') {
      const e = traceError(this.source.name, trace);
      this.ctx.log.error({ code: e.code, retryable: e.retryable }, e.message);
      return e;
    }
    if (trace.type === 'ESTIMATE') {
      const e = obj(trace.estimate);
      if (e?.name === stream && Number.isFinite(Number(e.row_estimate))) this.estimatedRecords = Number(e.row_estimate);
      this.ctx.log.info({ estimate: trace.estimate }, 'engine estimate');
    }
    else if (trace.type === 'STREAM_STATUS') this.ctx.log.info({ streamStatus: trace.stream_status }, 'engine stream status');
    else this.ctx.log.debug({ trace }, 'engine trace');
    return undefined;
  }

  /** CONNECTOR_CONFIG: written back to config_file (secret keys excepted), else reported. */
  async #control(control: Record<string, unknown>, current: Record<string, unknown>): Promise<void> {
    const updated = obj(obj(control.connectorConfig)?.config);
    if (control.type !== 'CONNECTOR_CONFIG' || !updated) return void this.ctx.log.debug({ control: control.type }, 'engine control ignored');
    const changed = Object.keys(updated).filter((k) => JSON.stringify(updated[k]) !== JSON.stringify(current[k]));
    const secretKeys = Object.keys(this.source.config.secrets);
    const file = this.source.configFile;
    if (!file) {
      this.ctx.log.warn({ changedKeys: changed }, 'the source sent an updated config that cannot be written back (source.config is in the job; set engine_config.config_file): update the job yourself');
      return;
    }
    const kept = Object.fromEntries(Object.entries(updated).filter(([k]) => !secretKeys.includes(k)));
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
    const lost = changed.filter((k) => secretKeys.includes(k));
    this.ctx.log.warn({ file, changedKeys: changed }, `the source's updated config was written back to ${file}`);
    if (lost.length) this.ctx.log.warn({ secretKeys: lost }, 'the source updated secret keys, which cannot be written back to the secret manager');
  }
}
