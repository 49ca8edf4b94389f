/**
 * @dativo/plugin-sdk: write dativo:plugin@0.1.0 readers and writers in TypeScript,
 * built into WebAssembly components by `dativo-host plugin build` (esbuild +
 * componentize-js). See docs/typescript-plugins.md.
 */
export * from './types.js';
export { PluginError, isPluginError, toPluginError, type ErrorOptions } from './errors.js';
export { log, type LogFields } from './log.js';
export { secret } from './secrets.js';
export { HOST_KEYS, type Incremental } from './host-keys.js';
export { JsonLinesBatch, jsonValue, type JsonLinesBatchOptions } from './jsonl.js';
export {
  defineReader,
  defineWriter,
  type ExtractionImpl,
  type OpenRequest,
  type ReaderDefinition,
  type SinkImpl,
  type SinkRequest,
  type SpecInput,
  type StreamInput,
  type WriterDefinition,
} from './define.js';
export * from './http.js';
