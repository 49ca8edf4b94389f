// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
/// <reference path="./interfaces/dativo-plugin-log.d.ts" />
/// <reference path="./interfaces/dativo-plugin-secrets.d.ts" />
/// <reference path="./interfaces/dativo-plugin-types.d.ts" />
/// <reference path="./interfaces/dativo-plugin-writer.d.ts" />
declare module 'dativo:plugin/writer-plugin@0.1.0' {
  export type * as DativoPluginLog010 from 'dativo:plugin/log@0.1.0'; // import dativo:plugin/log@0.1.0
  export type * as DativoPluginSecrets010 from 'dativo:plugin/secrets@0.1.0'; // import dativo:plugin/secrets@0.1.0
  export type * as DativoPluginTypes010 from 'dativo:plugin/types@0.1.0'; // import dativo:plugin/types@0.1.0
  export * as writer from 'dativo:plugin/writer@0.1.0'; // export dativo:plugin/writer@0.1.0
}
