/**
 * dativo-host/testing: helpers for plugin authors and for CI that embeds the host, on the
 * host's own APIs (buildPlugin, loadPlugin, planJob, runJob): nothing here is a second
 * pipeline. See docs/testing-plugins.md.
 */
export { buildTestPlugin, loadTestPlugin, type TestPlugin, type TestPluginOptions } from './plugin.js';
export { applyGrants, type TestGrants } from './grants.js';
export { readStream, type StreamRead, type ReadResult } from './read-stream.js';
export { runTestJob, type TestJobOptions, type TestJobRun } from './job.js';
export { batchRows, jsonLinesBatch, parquetRows, committedRows, committedParquetFiles, tableRows, plainValue, type Row } from './rows.js';
export {
  startFixtureServer, loadRecordings, type FixtureServer, type RecordedResponse, type RecordedRequest,
} from './http-fixture.js';
export { tempFolder, removeTemp } from './temp.js';
