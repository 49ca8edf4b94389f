/**
 * defineReader / defineWriter: the exported `reader` / `writer` objects componentize-js
 * binds to the contract's interfaces. componentize-js maps the interface
 * `dativo:plugin/reader@0.1.0` to the module export named `reader`: an object with the
 * interface's functions and its resource as a class (`Extraction`, whose static `open`
 * is the constructor the contract declares). A plugin writes:
 *
 *     export const reader = defineReader({ spec, check, discover, open });
 *
 * Every entry point here parses the config JSON, and turns anything thrown into a
 * plugin-error record (an uncaught Error would trap the component instead).
 */
import { PluginError, toPluginError } from './errors.js';
import { splitHostKeys, type Incremental } from './host-keys.js';
import type { Batch, BatchEncoding, CommitInfo, PluginSpec, ReadRequest, StreamDescriptor, WriteRequest } from './types.js';

type MaybePromise<T> = T | Promise<T>;

export interface SpecInput {
  version: string;
  /** JSON Schema of the config, as an object or JSON text. */
  configSchema: object | string;
  /** Default ['json-lines']. */
  encodings?: BatchEncoding[];
}

export interface StreamInput {
  name: string;
  /** JSON Schema of a record, as an object or JSON text. Default {"type":"object"}. */
  jsonSchema?: object | string;
  primaryKey?: string[];
  cursorFields?: string[];
  supportsIncremental?: boolean;
}

/** What `open` returns: something with next(); undefined ends the stream. */
export interface ExtractionImpl {
  next(): MaybePromise<Batch | undefined>;
}

/** A read request with its config parsed (and validated, when `parseConfig` is given). */
export interface OpenRequest<C> extends Omit<ReadRequest, 'config'> {
  /** The plugin's own config: without the host's keys unless the schema names them. */
  config: C;
  /** The config as the host sent it. */
  rawConfig: string;
  /** The job's incremental settings (source.incremental), when it reads incrementally. */
  incremental?: Incremental;
}

export interface ReaderDefinition<C> {
  spec: SpecInput;
  /** Validates the parsed config JSON and returns it typed; throw PluginError.config(...) when invalid. */
  parseConfig?: (value: unknown) => C;
  check?: (config: C) => MaybePromise<void>;
  discover: (config: C) => MaybePromise<StreamInput[]>;
  open: (request: OpenRequest<C>) => MaybePromise<ExtractionImpl>;
}

export interface SinkImpl {
  write(batch: Batch): MaybePromise<void>;
  commit(): MaybePromise<{ records: number | bigint; bytes: number | bigint; locations?: string[] }>;
  abort(): MaybePromise<void>;
}

export interface SinkRequest<C> {
  config: C;
  rawConfig: string;
  stream: StreamDescriptor;
}

export interface WriterDefinition<C> {
  spec: SpecInput;
  parseConfig?: (value: unknown) => C;
  check?: (config: C) => MaybePromise<void>;
  open: (request: SinkRequest<C>) => MaybePromise<SinkImpl>;
}

/** Runs fn; whatever it throws (or rejects with) leaves as a plugin-error record. Sync stays sync. */
function guard<T>(fn: () => MaybePromise<T>): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = fn();
  } catch (e) {
    throw toPluginError(e);
  }
  if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(toPluginError(e)));
  return result;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw PluginError.config(`config is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function validate<C>(value: unknown, parseConfig: ((value: unknown) => C) | undefined): C {
  if (parseConfig) return parseConfig(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw PluginError.config('config must be a JSON object');
  return value as C;
}

/** A writer's config: the host adds no keys to it. */
function parse<C>(text: string, parseConfig: ((value: unknown) => C) | undefined): C {
  return validate(parseValue(text), parseConfig);
}

/** A reader's config without the host's keys, and the incremental settings (host-keys.ts). */
function parseReaderConfig<C>(text: string, def: ReaderDefinition<C>): { config: C; incremental?: Incremental } {
  const { own, incremental } = splitHostKeys(parseValue(text), def.spec.configSchema);
  return { config: validate(own, def.parseConfig), incremental };
}

const asJson = (v: object | string): string => (typeof v === 'string' ? v : JSON.stringify(v));

function toSpec(s: SpecInput): PluginSpec {
  return { version: s.version, configSchema: asJson(s.configSchema), encodings: s.encodings ?? ['json-lines'] };
}

function toStream(s: StreamInput): StreamDescriptor {
  return {
    name: s.name,
    jsonSchema: asJson(s.jsonSchema ?? { type: 'object' }),
    primaryKey: s.primaryKey ?? [],
    cursorFields: s.cursorFields ?? [],
    supportsIncremental: s.supportsIncremental ?? false,
  };
}

/** The `reader` export: `export const reader = defineReader({...})`. */
export function defineReader<C = Record<string, unknown>>(def: ReaderDefinition<C>) {
  const spec = toSpec(def.spec);

  class Extraction {
    readonly #impl: ExtractionImpl;
    private constructor(impl: ExtractionImpl) {
      this.#impl = impl;
    }

    static open(request: ReadRequest): MaybePromise<Extraction> {
      return guard(() => {
        const { config, incremental } = parseReaderConfig(request.config, def);
        const opened = def.open({ ...request, config, rawConfig: request.config, incremental });
        return opened instanceof Promise ? opened.then((impl) => new Extraction(impl)) : new Extraction(opened);
      });
    }

    next(): MaybePromise<Batch | undefined> {
      return guard(() => this.#impl.next());
    }
  }

  return {
    spec: (): PluginSpec => spec,
    check: (config: string): MaybePromise<void> =>
      guard(() => {
        const parsed = parseReaderConfig(config, def).config; // validated even without a check hook
        return def.check?.(parsed);
      }),
    discover: (config: string): MaybePromise<StreamDescriptor[]> =>
      guard(() => {
        const streams = def.discover(parseReaderConfig(config, def).config);
        return streams instanceof Promise ? streams.then((s) => s.map(toStream)) : streams.map(toStream);
      }),
    Extraction,
  };
}

/** The `writer` export: `export const writer = defineWriter({...})`. */
export function defineWriter<C = Record<string, unknown>>(def: WriterDefinition<C>) {
  const spec = toSpec(def.spec);

  const toCommitInfo = (c: { records: number | bigint; bytes: number | bigint; locations?: string[] }): CommitInfo => ({
    records: BigInt(c.records),
    bytes: BigInt(c.bytes),
    locations: c.locations ?? [],
  });

  class Sink {
    readonly #impl: SinkImpl;
    private constructor(impl: SinkImpl) {
      this.#impl = impl;
    }

    static open(request: WriteRequest): MaybePromise<Sink> {
      return guard(() => {
        const opened = def.open({ config: parse(request.config, def.parseConfig), rawConfig: request.config, stream: request.stream });
        return opened instanceof Promise ? opened.then((impl) => new Sink(impl)) : new Sink(opened);
      });
    }

    write(batch: Batch): MaybePromise<void> {
      return guard(() => this.#impl.write(batch));
    }

    commit(): MaybePromise<CommitInfo> {
      return guard(() => {
        const c = this.#impl.commit();
        return c instanceof Promise ? c.then(toCommitInfo) : toCommitInfo(c);
      });
    }

    abort(): MaybePromise<void> {
      return guard(() => this.#impl.abort());
    }
  }

  return {
    spec: (): PluginSpec => spec,
    check: (config: string): MaybePromise<void> =>
      guard(() => {
        const parsed = parse(config, def.parseConfig); // validated even without a check hook
        return def.check?.(parsed);
      }),
    Sink,
  };
}
