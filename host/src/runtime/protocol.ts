/**
 * Messages between the host thread and a plugin's worker thread. Batches travel as
 * transferred ArrayBuffers (never copied); everything else is small and cloned.
 */
import type { Denial } from '../errors/index.js';
import type { LogLevel, SandboxSpec } from '../capabilities/imports.js';
import type { LogDropped, OutputSource } from '../logging/plugin-output.js';

export type BatchEncoding = 'arrow-ipc-stream' | 'json-lines';

export interface WireBatch {
  encoding: BatchEncoding;
  bytes: Uint8Array;
  checkpoint?: string | undefined;
}

export type CallOp =
  | 'reader.spec' | 'reader.check' | 'reader.discover' | 'reader.open' | 'extraction.next'
  | 'writer.spec' | 'writer.check' | 'sink.open' | 'sink.write' | 'sink.commit' | 'sink.abort'
  | 'resource.drop' | 'command.run';

export interface CallMessage {
  type: 'call';
  id: number;
  op: CallOp;
  args: unknown[];
}

/** Glue a spare worker may load before it is claimed: code only, for no instance yet. */
export interface GluePreload {
  glueScript: string;
  entryUrl: string;
  glueCache?: Uint8Array;
}

export interface WorkerInit {
  /** file: URL of the transpiled component's ES module. */
  entryUrl: string;
  /** The same glue as a classic script (path), loaded instead of entryUrl when present. */
  glueScript?: string;
  /** V8 code cache for glueScript; absent: the worker makes one after instantiating. */
  glueCache?: Uint8Array;
  /** Compiled core modules by file name (memory ceiling already applied). */
  modules: Record<string, WebAssembly.Module>;
  /** The interface specifiers the component imports, as the transpiled code names them. */
  imports: string[];
  sandbox: SandboxSpec;
  /** Bytes of stdout+stderr forwarded before the rest is dropped (Infinity for exec). */
  maxOutputBytes: number;
}

export type CallFailure =
  | { kind: 'plugin-error'; payload: { kind: string; code: string; message: string; retryable: boolean; retryAfterMs?: bigint | number } }
  | { kind: 'trap'; message: string; memoryBytes: number; stderrTail: string }
  | { kind: 'exit'; code: number }
  | { kind: 'batch-too-large'; bytes: number }
  /** The worker refused what the plugin returned (a limit, a malformed value): a typed error. */
  | { kind: 'refused'; code: string; message: string; details: Record<string, unknown> }
  | { kind: 'host'; message: string; stack?: string };

export type WorkerMessage =
  | { type: 'ready'; instantiateMs: number; phases: Record<string, number> }
  | { type: 'glue-cache'; data: Uint8Array }
  | { type: 'init-failed'; message: string; missingImports?: string[] }
  | { type: 'result'; id: number; ok: true; value: unknown; denials: Denial[] }
  | { type: 'result'; id: number; ok: false; error: CallFailure; denials: Denial[] }
  | { type: 'log'; level: LogLevel; message: string; fields: [string, string][]; dropped?: LogDropped }
  | { type: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { type: 'output-truncated'; stream: OutputSource; limit: number }
  | { type: 'denial'; denial: Denial }
  | { type: 'audit'; event: string; fields: Record<string, unknown> };
