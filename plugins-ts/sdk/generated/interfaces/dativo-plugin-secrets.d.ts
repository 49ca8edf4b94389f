// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
/// <reference path="./dativo-plugin-types.d.ts" />
declare module 'dativo:plugin/secrets@0.1.0' {
  /**
   * The value of a declared secret. An undeclared name is refused with an
   * error of kind `auth` and code `CAPABILITY_DENIED`.
   */
  export function get(name: string): string;
  export type PluginError = import('dativo:plugin/types@0.1.0').PluginError;
}
