import type { BatchEncoding } from './protocol.js';

/** A batch as the host handles it: bytes in a declared encoding plus an optional checkpoint. */
export interface Batch {
  encoding: BatchEncoding;
  bytes: Uint8Array;
  checkpoint?: string | undefined;
}

export interface PluginSpec {
  version: string;
  configSchema: Record<string, unknown>;
  encodings: BatchEncoding[];
}

export interface StreamDescriptor {
  name: string;
  jsonSchema: Record<string, unknown>;
  primaryKey: string[];
  cursorFields: string[];
  supportsIncremental: boolean;
}

export interface ReadRequest {
  config: unknown;
  stream: string;
  schema?: Record<string, unknown> | undefined;
  checkpoint?: string | undefined;
}

export interface CommitInfo {
  records: number;
  bytes: number;
  locations: string[];
}

/* Conversions from the contract's wire shapes (JSON text fields, u64 as bigint). */
export const specFromWire = (s: { version: string; configSchema: string; encodings: BatchEncoding[] }): PluginSpec => ({
  version: s.version,
  configSchema: JSON.parse(s.configSchema) as Record<string, unknown>,
  encodings: s.encodings,
});

export const streamFromWire = (d: { name: string; jsonSchema: string; primaryKey: string[]; cursorFields: string[]; supportsIncremental: boolean }): StreamDescriptor => ({
  ...d,
  jsonSchema: JSON.parse(d.jsonSchema) as Record<string, unknown>,
});

export const streamToWire = (d: StreamDescriptor) => ({ ...d, jsonSchema: JSON.stringify(d.jsonSchema) });
