// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
declare module 'dativo:plugin/log@0.1.0' {
  export function log(level: Level, message: string, fields: Array<[string, string]>): void;
  /**
   * # Variants
   * 
   * ## `"trace"`
   * 
   * ## `"debug"`
   * 
   * ## `"info"`
   * 
   * ## `"warn"`
   * 
   * ## `"error"`
   */
  export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
}
