// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
/// <reference path="./dativo-plugin-types.d.ts" />
declare module 'dativo:plugin/writer@0.1.0' {
  export function spec(): PluginSpec;
  export function check(config: string): void;
  export type PluginError = import('dativo:plugin/types@0.1.0').PluginError;
  export type PluginSpec = import('dativo:plugin/types@0.1.0').PluginSpec;
  export type Batch = import('dativo:plugin/types@0.1.0').Batch;
  export type WriteRequest = import('dativo:plugin/types@0.1.0').WriteRequest;
  export type CommitInfo = import('dativo:plugin/types@0.1.0').CommitInfo;
  
  export class Sink {
    /**
     * This type does not have a public constructor.
     */
    private constructor();
    static open(request: WriteRequest): Sink;
    write(batch: Batch): void;
    commit(): CommitInfo;
    abort(): void;
  }
}
