// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
/// <reference path="./dativo-plugin-types.d.ts" />
declare module 'dativo:plugin/reader@0.1.0' {
  export function spec(): PluginSpec;
  /**
   * Checks the config (credentials, reachability) without reading data.
   */
  export function check(config: string): void;
  /**
   * Lists the streams the source offers under this config.
   */
  export function discover(config: string): Array<StreamDescriptor>;
  export type PluginError = import('dativo:plugin/types@0.1.0').PluginError;
  export type PluginSpec = import('dativo:plugin/types@0.1.0').PluginSpec;
  export type StreamDescriptor = import('dativo:plugin/types@0.1.0').StreamDescriptor;
  export type Batch = import('dativo:plugin/types@0.1.0').Batch;
  export type ReadRequest = import('dativo:plugin/types@0.1.0').ReadRequest;
  
  export class Extraction {
    /**
     * This type does not have a public constructor.
     */
    private constructor();
    static open(request: ReadRequest): Extraction;
    /**
    * The next batch, or none when the stream is exhausted.
    */
    next(): Batch | undefined;
  }
}
