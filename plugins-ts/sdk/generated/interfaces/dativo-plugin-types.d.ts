// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
declare module 'dativo:plugin/types@0.1.0' {
  /**
   * What went wrong, on the axes the host retries and reports on.
   * # Variants
   * 
   * ## `"config"`
   * 
   * ## `"auth"`
   * 
   * ## `"connection"`
   * 
   * ## `"rate-limited"`
   * 
   * ## `"data"`
   * 
   * ## `"not-supported"`
   * 
   * ## `"internal"`
   */
  export type ErrorKind = 'config' | 'auth' | 'connection' | 'rate-limited' | 'data' | 'not-supported' | 'internal';
  /**
   * The one error a plugin returns. `code` is stable and machine-readable
   * (for example "HTTP_429"); `message` is for people.
   */
  export interface PluginError {
    kind: ErrorKind,
    code: string,
    message: string,
    retryable: boolean,
    retryAfterMs?: bigint,
  }
  /**
   * How the bytes of a batch are encoded.
   * # Variants
   * 
   * ## `"arrow-ipc-stream"`
   * 
   * An Arrow IPC stream (schema message, record batches, end marker): the fast path.
   * ## `"json-lines"`
   * 
   * UTF-8 JSON objects, one per line: the easy path.
   */
  export type BatchEncoding = 'arrow-ipc-stream' | 'json-lines';
  /**
   * A batch of records: the only unit of data that crosses the boundary.
   */
  export interface Batch {
    encoding: BatchEncoding,
    bytes: Uint8Array,
    /**
     * Opaque JSON state. The host persists it only after every batch up to and
     * including this one is durably committed, and hands it back on the next run.
     */
    checkpoint?: string,
  }
  /**
   * A stream (table, endpoint, file set) the source offers.
   */
  export interface StreamDescriptor {
    name: string,
    /**
     * JSON Schema (as JSON text) of one record.
     */
    jsonSchema: string,
    primaryKey: Array<string>,
    cursorFields: Array<string>,
    supportsIncremental: boolean,
  }
  /**
   * What a plugin is and what it accepts.
   */
  export interface PluginSpec {
    /**
     * The plugin's own version (semver).
     */
    version: string,
    /**
     * JSON Schema (as JSON text) of the config the plugin accepts.
     */
    configSchema: string,
    /**
     * Encodings the plugin produces (reader) or accepts (writer).
     */
    encodings: Array<BatchEncoding>,
  }
  /**
   * Everything a reader needs to extract one stream.
   */
  export interface ReadRequest {
    /**
     * The plugin config, as JSON text, already validated against the spec's schema.
     */
    config: string,
    /**
     * The stream to extract, one of the names discover returned.
     */
    stream: string,
    /**
     * JSON Schema of the stream from the job's data contract, when the job has one.
     */
    schema?: string,
    /**
     * The last committed checkpoint of this stream, if any.
     */
    checkpoint?: string,
    /**
     * The largest batch (bytes) the host accepts; larger batches are refused.
     */
    maxBatchBytes: bigint,
  }
  /**
   * Everything a writer needs to open a sink for one stream.
   */
  export interface WriteRequest {
    config: string,
    stream: StreamDescriptor,
  }
  /**
   * What a writer reports after a commit.
   */
  export interface CommitInfo {
    records: bigint,
    bytes: bigint,
    /**
     * Where the data went, for the run summary (paths, object keys, table names).
     */
    locations: Array<string>,
  }
}
