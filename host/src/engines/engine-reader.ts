/**
 * What Singer and Airbyte readers share: the connector's config file (source.config over
 * engine_config.config_file, secrets filled in), its environment, and one contained run
 * of the connector yielding its stdout messages as parsed JSON objects.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ConfigKeyOf } from '../config/plugin-config.js';
import { sourceConfigKey } from '../config/plugin-config.js';
import type { ContractObject } from '../contracts/index.js';
import { engineError, engineExitError } from '../errors/engine-errors.js';
import type { Batch, PluginSpec, ReadRequest, StreamDescriptor } from '../runtime/plugin-types.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import type { EngineSource } from './engine-config.js';
import { JsonScanError, type JsonScanner } from './json-scan.js';
import type { SourceReader } from './source-reader.js';
import { ConnectorProcess, PrivateDir, type StdoutLines } from './subprocess.js';

export interface EngineContext {
  log: Logger;
  secrets?: SecretManager;
  env: NodeJS.ProcessEnv;
  contract: ContractObject;
}

/** A message of the connector's stdout and the line it came from. */
export interface Message {
  n: number;
  msg: Record<string, unknown>;
}

/** Arguments after the command: text, or a file written to the private folder (its path is passed). */
export type ConnectorArgs = (string | { file: string; value: unknown })[];

export abstract class EngineReader implements SourceReader {
  configKeyOf: ConfigKeyOf = sourceConfigKey;
  readonly instance: { plugin: string };
  #secretValues: string[] = [];

  constructor(protected readonly source: EngineSource, protected readonly ctx: EngineContext) {
    this.instance = { plugin: source.name };
  }

  abstract spec(): Promise<PluginSpec>;
  abstract check(config: unknown): Promise<void>;
  abstract discover(config: unknown): Promise<StreamDescriptor[]>;
  abstract read(req: ReadRequest): AsyncGenerator<Batch>;

  readonly #running = new Set<ConnectorProcess>();

  /** Kills the connector calls still running (a run that failed elsewhere stops this one now). */
  async close(): Promise<void> {
    const running = [...this.#running];
    for (const p of running) p.kill();
    await Promise.all(running.map((p) => p.exit));
  }

  /** The connector's own config: the host's keys (incremental, files) taken out, secrets resolved. */
  protected async connectorConfig(config: unknown): Promise<Record<string, unknown>> {
    const { incremental: _i, ...own } = (config ?? {}) as Record<string, unknown>;
    const fromFile = this.source.configFile ? (JSON.parse(readFileSync(this.source.configFile, 'utf8')) as Record<string, unknown>) : {};
    const out: Record<string, unknown> = { ...fromFile, ...own };
    for (const [key, name] of Object.entries(this.source.config.secrets)) {
      const value = await this.ctx.secrets?.get(name);
      if (value === undefined) throw engineError('ENGINE_SECRET_MISSING', this.source.name, `secret "${name}" (engine_config.secrets.${key}) is not set in the job's secret manager`, { secret: name });
      out[key] = value;
      this.#secretValues.push(value);
    }
    return out;
  }

  #env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.source.config.pass_env) {
      const v = this.ctx.env[name];
      if (v !== undefined) env[name] = v;
    }
    return { ...env, ...this.source.config.env };
  }

  /**
   * Runs the connector with `args` (file names in `files` are written to its private folder
   * first, mode 0600, and replaced by their paths), yielding its stdout messages parsed.
   * Throws ENGINE_MESSAGE_INVALID on a line that is not a JSON object, and the exit error
   * when the connector fails (unless `onExit` returns an error of its own first).
   */
  protected async *run(args: ConnectorArgs, onExit?: (failed: boolean) => Error | undefined): AsyncGenerator<Message[]> {
    for await (const { bytes, starts, ends, first } of this.stdout(args, onExit)) {
      const out: Message[] = [];
      for (let k = 0; k < starts.length; k++) {
        const text = bytes.toString('utf8', starts[k], ends[k]);
        if (text.trim() !== '') out.push({ n: first + k, msg: this.parse(text, first + k) });
      }
      yield out;
    }
  }

  /** The catalog file engine_config.catalog names, parsed, or undefined when there is none. */
  protected catalogFromFile(): unknown {
    const file = this.source.catalogFile;
    if (!file) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw engineError('ENGINE_MESSAGE_INVALID', this.source.name, `engine_config.catalog ${file} is not JSON (${(e as Error).message})`);
    }
  }

  /** The whole stdout of one run (a Singer catalog is pretty-printed JSON), at most `maxBytes`. */
  protected async output(args: ConnectorArgs, maxBytes = 64 * 2 ** 20): Promise<string> {
    const parts: string[] = [];
    let bytes = 0;
    for await (const lines of this.stdout(args)) {
      for (let k = 0; k < lines.starts.length; k++) {
        bytes += lines.ends[k]! - lines.starts[k]! + 1;
        if (bytes > maxBytes) throw engineError('ENGINE_OUTPUT_LIMIT', this.source.name, `more than ${maxBytes} bytes of output`);
        parts.push(lines.bytes.toString('utf8', lines.starts[k], lines.ends[k]));
      }
    }
    return parts.join('\n');
  }

  /** The connector's stdout, a read at a time, as line ranges (run() parses them; a read scans them). */
  protected async *stdout(args: ConnectorArgs, onExit?: (failed: boolean) => Error | undefined): AsyncGenerator<StdoutLines> {
    const dir = await PrivateDir.create();
    let proc: ConnectorProcess | undefined;
    try {
      const argv = [...this.source.argv];
      for (const a of args) argv.push(typeof a === 'string' ? a : await dir.write(a.file, a.value));
      proc = new ConnectorProcess({ name: this.source.name, argv, env: this.#env(), limits: this.source.limits, log: this.ctx.log, secrets: this.#secretValues }, dir);
      this.#running.add(proc);
      yield* proc.lines();
      const exit = await proc.exit;
      const failed = exit.code !== 0 || exit.killed !== undefined;
      const own = onExit?.(failed);
      if (own) throw own;
      if (failed) throw engineExitError(this.source.name, exit, this.source.limits);
    } finally {
      proc?.kill();
      await proc?.exit;
      if (proc) this.#running.delete(proc);
      await dir.remove();
    }
  }

  /** A stdout line as a message object, or ENGINE_MESSAGE_INVALID naming the line. */
  protected parse(line: string, n: number): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      v = e;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Error) throw this.notMessage(line, n);
    return v as Record<string, unknown>;
  }

  protected notMessage(line: string, n: number, why?: JsonScanError): Error {
    const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
    const details = { line: n, ...(why ? { reason: why.message, offset: why.offset } : {}) };
    return engineError('ENGINE_MESSAGE_INVALID', this.source.name, `stdout line ${n} is not a JSON message: ${JSON.stringify(shown)}`, details);
  }

  /**
   * Scans line k of `lines` with `scanner` (its wanted keys' ranges are then set): false for
   * a blank line, ENGINE_MESSAGE_INVALID for one that is not a JSON object.
   */
  protected scanned(scanner: JsonScanner, lines: StdoutLines, k: number): boolean {
    const { bytes, starts, ends, first } = lines;
    let kind: ReturnType<JsonScanner['scan']>;
    try {
      kind = scanner.scan(bytes, starts[k], ends[k]);
    } catch (e) {
      if (!(e instanceof JsonScanError)) throw e;
      throw this.notMessage(bytes.toString('utf8', starts[k], ends[k]), first + k, e);
    }
    if (kind === 'object') return true;
    if (kind === 'blank') return false;
    throw this.notMessage(bytes.toString('utf8', starts[k], ends[k]), first + k);
  }

  /** Line k of `lines` parsed, once scanned() said it is a JSON object. */
  protected messageAt(lines: StdoutLines, k: number): Record<string, unknown> {
    return JSON.parse(lines.bytes.toString('utf8', lines.starts[k], lines.ends[k])) as Record<string, unknown>;
  }

  /** The messages of one run, for small outputs (spec, discover, check): at most `max` of them. */
  protected async collect(args: ConnectorArgs, max = 100_000): Promise<Message[]> {
    const out: Message[] = [];
    for await (const ms of this.run(args)) {
      if (out.length + ms.length > max) throw engineError('ENGINE_OUTPUT_LIMIT', this.source.name, `more than ${max} messages`);
      out.push(...ms);
    }
    return out;
  }
}
