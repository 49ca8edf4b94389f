// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.
/// <reference path="./interfaces/dativo-plugin-log.d.ts" />
/// <reference path="./interfaces/dativo-plugin-secrets.d.ts" />
/// <reference path="./interfaces/dativo-plugin-types.d.ts" />
/// <reference path="./interfaces/dativo-plugin-writer.d.ts" />
/// <reference path="./interfaces/wasi-clocks-wall-clock.d.ts" />
/// <reference path="./interfaces/wasi-filesystem-preopens.d.ts" />
/// <reference path="./interfaces/wasi-filesystem-types.d.ts" />
/// <reference path="./interfaces/wasi-io-error.d.ts" />
/// <reference path="./interfaces/wasi-io-poll.d.ts" />
/// <reference path="./interfaces/wasi-io-streams.d.ts" />
declare module 'dativo:plugin/file-writer-plugin@0.1.0' {
  export type * as DativoPluginLog010 from 'dativo:plugin/log@0.1.0'; // import dativo:plugin/log@0.1.0
  export type * as DativoPluginSecrets010 from 'dativo:plugin/secrets@0.1.0'; // import dativo:plugin/secrets@0.1.0
  export type * as DativoPluginTypes010 from 'dativo:plugin/types@0.1.0'; // import dativo:plugin/types@0.1.0
  export type * as WasiClocksWallClock0212 from 'wasi:clocks/wall-clock@0.2.12'; // import wasi:clocks/wall-clock@0.2.12
  export type * as WasiFilesystemPreopens0212 from 'wasi:filesystem/preopens@0.2.12'; // import wasi:filesystem/preopens@0.2.12
  export type * as WasiFilesystemTypes0212 from 'wasi:filesystem/types@0.2.12'; // import wasi:filesystem/types@0.2.12
  export type * as WasiIoError0212 from 'wasi:io/error@0.2.12'; // import wasi:io/error@0.2.12
  export type * as WasiIoPoll0212 from 'wasi:io/poll@0.2.12'; // import wasi:io/poll@0.2.12
  export type * as WasiIoStreams0212 from 'wasi:io/streams@0.2.12'; // import wasi:io/streams@0.2.12
  export * as writer from 'dativo:plugin/writer@0.1.0'; // export dativo:plugin/writer@0.1.0
}
