/**
 * The contract's types (dativo:plugin@0.1.0) as componentize-js maps them to JavaScript:
 * records become objects with camelCase fields, enums become strings, option<T> is
 * `T | undefined`, u64 is bigint, list<u8> is Uint8Array.
 *
 * They are generated from wit/ (../generated, by scripts/generate-types.mjs with
 * jco-transpile's generateGuestTypes) and only re-exported here: type imports vanish
 * from the bundle, nothing of this module reaches the component.
 */
/// <reference path="../generated/reader-plugin.d.ts" />
/// <reference path="../generated/writer-plugin.d.ts" />
export type {
  Batch,
  BatchEncoding,
  CommitInfo,
  ErrorKind,
  PluginError as PluginErrorRecord,
  PluginSpec,
  ReadRequest,
  StreamDescriptor,
  WriteRequest,
} from 'dativo:plugin/types@0.1.0';
export type { Level as LogLevel } from 'dativo:plugin/log@0.1.0';
