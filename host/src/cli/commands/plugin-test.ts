/**
 * `dativo-host plugin test DIR`: builds the plugin, loads dist/plugin.yaml through the
 * real host (sandbox, worker, grants) and runs its whole lifecycle once:
 *   reader: spec, config against the spec's schema, check, discover, read the first stream
 *   writer: spec, config against the spec's schema, check, open a sink, write a sample
 *           batch, commit
 * Each step prints one line; the first failure stops the run (exit 1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import formatsModule from 'ajv-formats';
import { tableFromIPC, tableToIPC, tableFromArrays } from 'apache-arrow';

import { buildPlugin } from '../../build/build-plugin.js';
import { isHostError } from '../../errors/index.js';
import { createLogger } from '../../logging/logger.js';
import { loadPlugin, type LoadedPlugin } from '../../runtime/load-plugin.js';
import type { Batch, StreamDescriptor } from '../../runtime/plugin-types.js';
import { EnvSecretManager } from '../../secrets/secret-manager.js';
import { UsageError } from '../usage-error.js';

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2019) => Ajv2019;

export interface PluginTestOptions {
  dir: string;
  /** The plugin config (JSON file); default DIR/test-config.json, else {}. */
  configFile?: string;
  /** Host folders for the manifest's filesystem entries that leave `host` to the job. */
  bindings?: Record<string, string>;
  /** Stop a read after this many batches (default 1000). */
  maxBatches?: number;
  print?: (line: string) => void;
}

export interface StepResult {
  step: string;
  ok: boolean;
  detail: string;
}

export interface PluginTestResult {
  ok: boolean;
  name: string;
  kind: string;
  steps: StepResult[];
}

/** A sample stream and its rows, for writers. */
const SAMPLE_STREAM: StreamDescriptor = {
  name: 'sample',
  jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id'] },
  primaryKey: ['id'],
  cursorFields: [],
  supportsIncremental: false,
};
const SAMPLE_ROWS = [
  { id: 1, name: 'one' },
  { id: 2, name: 'two' },
  { id: 3, name: 'three' },
];

export async function runPluginTest(opts: PluginTestOptions): Promise<PluginTestResult> {
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dir = resolve(opts.dir);
  const steps: StepResult[] = [];
  let name = dir;
  let kind = '?';
  const step = async <T>(label: string, f: () => Promise<[T, string]>): Promise<T> => {
    try {
      const [value, detail] = await f();
      steps.push({ step: label, ok: true, detail });
      print(`  ${label.padEnd(9)} ok    ${detail}`);
      return value;
    } catch (e) {
      const detail = isHostError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      steps.push({ step: label, ok: false, detail });
      print(`  ${label.padEnd(9)} FAIL  ${detail}`);
      throw new StepFailed();
    }
  };

  let plugin: LoadedPlugin | undefined;
  try {
    const built = await step('build', async () => {
      const b = await buildPlugin(dir, { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`${l}\n`)) });
      return [b, `${b.built ? 'built' : 'up to date'}: ${b.manifest}`];
    });
    const configFile = opts.configFile ?? (existsSync(join(dir, 'test-config.json')) ? join(dir, 'test-config.json') : undefined);
    const config = await step('config', async () => {
      if (!configFile) return [{}, 'no test-config.json: using {}'];
      return [JSON.parse(readFileSync(configFile, 'utf8')) as unknown, configFile];
    });
    plugin = await step('load', async () => {
      const p = await loadPlugin({
        manifest: built.manifest,
        bindings: opts.bindings,
        secrets: new EnvSecretManager(),
        logger: createLogger(),
      });
      return [p, `${p.manifest.name} ${p.manifest.version} (${p.manifest.kind}, contract ${p.contractVersion})`];
    });
    name = plugin.manifest.name;
    kind = plugin.manifest.kind;
    if (kind === 'reader') await testReader(plugin, config, step, opts.maxBatches ?? 1000);
    else if (kind === 'writer') await testWriter(plugin, config, step);
    else await step('kind', async () => Promise.reject(new Error(`plugin test runs readers and writers, not ${kind}s`)));
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
  }
  const ok = steps.every((s) => s.ok);
  print(ok ? `ok: ${name} passed ${steps.length} steps` : `FAILED: ${name}`);
  return { ok, name, kind, steps };
}

class StepFailed extends Error {}

type Step = <T>(label: string, f: () => Promise<[T, string]>) => Promise<T>;

function validateConfig(schema: Record<string, unknown>, config: unknown): string {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (!validate(config)) {
    throw new Error(`the config does not match the plugin's config schema: ${ajv.errorsText(validate.errors)}`);
  }
  return 'matches the config schema';
}

async function testReader(plugin: LoadedPlugin, config: unknown, step: Step, maxBatches: number): Promise<void> {
  const reader = await plugin.openReader();
  try {
    const spec = await step('spec', async () => {
      const s = await reader.spec();
      return [s, `version ${s.version}, encodings ${s.encodings.join(', ')}`];
    });
    await step('schema', async () => [undefined, validateConfig(spec.configSchema, config)]);
    await step('check', async () => [await reader.check(config), 'accepted']);
    const streams = await step('discover', async () => {
      const s = await reader.discover(config);
      if (s.length === 0) throw new Error('discover returned no stream');
      return [s, `${s.length} stream(s): ${s.map((x) => x.name).join(', ')}`];
    });
    const stream = streams[0]!;
    await step('read', async () => {
      let batches = 0;
      let records = 0;
      let bytes = 0;
      let checkpoint: string | undefined;
      for await (const b of reader.read({ config, stream: stream.name })) {
        batches++;
        bytes += b.bytes.byteLength;
        records += countRecords(b);
        if (b.checkpoint !== undefined) checkpoint = b.checkpoint;
        if (!spec.encodings.includes(b.encoding)) throw new Error(`batch ${batches} is ${b.encoding}, which the spec does not declare`);
        if (batches >= maxBatches) break;
      }
      return [undefined, `stream ${stream.name}: ${batches} batch(es), ${records} record(s), ${bytes} bytes${checkpoint ? `, checkpoint ${checkpoint}` : ''}`];
    });
  } finally {
    await reader.close();
  }
}

async function testWriter(plugin: LoadedPlugin, config: unknown, step: Step): Promise<void> {
  const writer = await plugin.openWriter();
  try {
    const spec = await step('spec', async () => {
      const s = await writer.spec();
      return [s, `version ${s.version}, encodings ${s.encodings.join(', ')}`];
    });
    await step('schema', async () => [undefined, validateConfig(spec.configSchema, config)]);
    await step('check', async () => [await writer.check(config), 'accepted']);
    const sink = await step('open', async () => [await writer.openSink(config, SAMPLE_STREAM), `sink for stream ${SAMPLE_STREAM.name}`]);
    await step('write', async () => {
      const batch = sampleBatch(spec.encodings.includes('json-lines') ? 'json-lines' : 'arrow-ipc-stream');
      const size = batch.bytes.byteLength;
      await sink.write(batch);
      return [undefined, `${SAMPLE_ROWS.length} records as ${batch.encoding} (${size} bytes)`];
    });
    await step('commit', async () => {
      const c = await sink.commit();
      return [c, `${c.records} record(s), ${c.bytes} bytes${c.locations.length ? ` -> ${c.locations.join(', ')}` : ''}`];
    });
  } finally {
    await writer.close();
  }
}

function sampleBatch(encoding: Batch['encoding']): Batch {
  if (encoding === 'json-lines') {
    return { encoding, bytes: new TextEncoder().encode(SAMPLE_ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n') };
  }
  const table = tableFromArrays({ id: Int32Array.from(SAMPLE_ROWS.map((r) => r.id)), name: SAMPLE_ROWS.map((r) => r.name) });
  return { encoding, bytes: tableToIPC(table, 'stream') };
}

function countRecords(b: Batch): number {
  if (b.encoding === 'json-lines') return new TextDecoder().decode(b.bytes).split('\n').filter((l) => l.trim()).length;
  return b.bytes.byteLength === 0 ? 0 : tableFromIPC(b.bytes).numRows;
}

export const pluginTestUsage = `  test DIR [--config FILE] [--bind GUEST=HOST]... [--json]
                       build the plugin in DIR, then run it once in its sandbox: spec, the
                       config against its schema, check, and discover + read of the first
                       stream (readers) or open, write of a sample batch, commit (writers).
                       The config is FILE, else DIR/test-config.json, else {}. Secrets come
                       from DATIVO_SECRET_<NAME>. Exit 1 when a step fails.`;

export function parseBindings(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`--bind takes GUEST=HOST, got "${v}"`);
    out[v.slice(0, i)] = resolve(v.slice(i + 1));
  }
  return out;
}
