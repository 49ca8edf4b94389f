/**
 * The external-process side of the Dagster Pipes protocol (version 0.1), as dagster-pipes
 * implements it in Python: when Dagster launches the host (PipesSubprocessClient), the
 * DAGSTER_PIPES_CONTEXT and DAGSTER_PIPES_MESSAGES variables hold base64(zlib(JSON))
 * parameters naming where the context is and where messages go. Messages are JSON
 * lines: opened, log, report_asset_materialization, report_asset_check, closed.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { ConfigError } from '../errors/index.js';

export const PIPES_PROTOCOL_VERSION = '0.1';

/** What Dagster sends: the assets this launch materializes, its run, and user extras. */
export interface PipesContextData {
  asset_keys: string[] | null;
  run_id: string;
  job_name: string | null;
  partition_key: string | null;
  retry_number: number;
  extras: Record<string, unknown>;
}

/** A metadata entry as Pipes types it (https://docs.dagster.io/guides/build/external-pipelines). */
export interface PipesMetadataValue {
  raw_value: unknown;
  type: 'text' | 'int' | 'float' | 'bool' | 'json' | 'path' | 'null' | '__infer__';
}
export type PipesMetadata = Record<string, PipesMetadataValue>;

export type PipesLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const pipesError = (message: string, key: string) =>
  new ConfigError('CONFIG_INVALID', `Dagster Pipes: ${message}`, { details: { key } });

/** `base64(zlib(JSON))`, as dagster-pipes' decode_param. */
export function decodePipesParam(value: string, key: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(inflateSync(Buffer.from(value, 'base64')).toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw pipesError(`${key} is not base64(zlib(JSON object))`, key);
}

export class DagsterPipes {
  #closed = false;

  private constructor(
    readonly context: PipesContextData,
    private readonly write: (line: string) => void,
  ) {}

  /** The Pipes session Dagster launched this process for, or undefined when it did not. */
  static open(env: NodeJS.ProcessEnv = process.env): DagsterPipes | undefined {
    const rawContext = env.DAGSTER_PIPES_CONTEXT;
    if (rawContext === undefined) return undefined;
    const rawMessages = env.DAGSTER_PIPES_MESSAGES;
    if (rawMessages === undefined) throw pipesError('DAGSTER_PIPES_CONTEXT is set but DAGSTER_PIPES_MESSAGES is not', 'DAGSTER_PIPES_MESSAGES');
    const contextParams = decodePipesParam(rawContext, 'DAGSTER_PIPES_CONTEXT');
    const messageParams = decodePipesParam(rawMessages, 'DAGSTER_PIPES_MESSAGES');
    let data: unknown;
    if (typeof contextParams.path === 'string') data = JSON.parse(readFileSync(contextParams.path, 'utf8'));
    else if (contextParams.data && typeof contextParams.data === 'object') data = contextParams.data;
    else throw pipesError('the context parameters name neither "path" nor "data"', 'DAGSTER_PIPES_CONTEXT');
    const pipes = new DagsterPipes(normalizeContext(data), messageWriter(messageParams));
    pipes.#send('opened', { extras: {} });
    return pipes;
  }

  log(level: PipesLevel, message: string): void {
    if (!this.#closed) this.#send('log', { message, level });
  }

  materialization(assetKey: string, metadata: PipesMetadata, dataVersion: string | null = null): void {
    this.#send('report_asset_materialization', { asset_key: assetKey, data_version: dataVersion, metadata });
  }

  check(assetKey: string, checkName: string, passed: boolean, severity: 'ERROR' | 'WARN', metadata: PipesMetadata): void {
    this.#send('report_asset_check', { asset_key: assetKey, check_name: checkName, passed, severity, metadata });
  }

  /** Ends the session; with the error the run failed with, Dagster shows it as the external exception. */
  close(error?: { message: string; name?: string }): void {
    if (this.#closed) return;
    const exception = error ? { message: error.message, name: error.name ?? null, stack: [], cause: null, context: null } : undefined;
    this.#send('closed', exception ? { exception } : {});
    this.#closed = true;
  }

  #send(method: string, params: Record<string, unknown>): void {
    this.write(`${JSON.stringify({ __dagster_pipes_version: PIPES_PROTOCOL_VERSION, method, params })}\n`);
  }
}

function normalizeContext(data: unknown): PipesContextData {
  const d = (data ?? {}) as Partial<PipesContextData>;
  if (typeof d.run_id !== 'string') throw pipesError('the context has no run_id', 'DAGSTER_PIPES_CONTEXT');
  return {
    asset_keys: Array.isArray(d.asset_keys) ? d.asset_keys.map(String) : null,
    run_id: d.run_id,
    job_name: d.job_name ?? null,
    partition_key: d.partition_key ?? null,
    retry_number: d.retry_number ?? 0,
    extras: d.extras ?? {},
  };
}

/** A file (one message per line, appended) or stdout/stderr, as dagster-pipes' default writer. */
function messageWriter(params: Record<string, unknown>): (line: string) => void {
  if (typeof params.path === 'string') {
    const path = params.path;
    return (line) => appendFileSync(path, line);
  }
  const stdio = params.stdio ?? params.buffered_stdio;
  if (stdio === 'stderr') return (line) => void process.stderr.write(line);
  if (stdio === 'stdout') return (line) => void process.stdout.write(line);
  throw pipesError('the message parameters name neither "path" nor "stdio"', 'DAGSTER_PIPES_MESSAGES');
}

/** pino's level names as Dagster's. */
export const pipesLevel = (level: unknown): PipesLevel =>
  level === 'fatal' ? 'CRITICAL' : level === 'error' ? 'ERROR' : level === 'warn' ? 'WARNING' : level === 'info' ? 'INFO' : 'DEBUG';
