/**
 * plugins-ts/log-writer: a demonstration of the SDK's defineWriter through the real host
 * (it logs statistics; it is not a file writer). Checks the sink lifecycle, error
 * mapping and that batches arrive intact.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { StreamDescriptor } from '../../host/src/runtime/plugin-types.js';
import { REPO } from '../helpers/fixtures.js';

let manifest: string;
beforeAll(async () => {
  manifest = (await buildPlugin(join(REPO, 'plugins-ts', 'log-writer'), { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`[log-writer] ${l}\n`)) })).manifest;
}, 900_000);

const stream: StreamDescriptor = { name: 'orders', jsonSchema: { type: 'object' }, primaryKey: ['id'], cursorFields: [], supportsIncremental: false };
const jsonl = (rows: object[]) => new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

async function open() {
  const logs = new MemoryLogDestination();
  const plugin = await loadPlugin({ manifest, env: {}, logger: createLogger({ destination: logs, level: 'debug' }) });
  return { writer: await plugin.openWriter(), logs };
}

describe('log-writer (TypeScript, demonstration)', () => {
  it('counts the records of every batch and logs them on commit', async () => {
    const { writer, logs } = await open();
    try {
      expect(await writer.spec()).toMatchObject({ version: '0.1.0', encodings: ['json-lines'] });
      await writer.check({});
      const sink = await writer.openSink({}, stream);
      const a = jsonl([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
      const b = jsonl([{ id: 3, name: 'c' }]);
      const total = a.length + b.length;
      await sink.write({ encoding: 'json-lines', bytes: a });
      await sink.write({ encoding: 'json-lines', bytes: b });
      expect(await sink.commit()).toEqual({ records: 3, bytes: total, locations: ['log:orders'] });
      const line = logs.records.find((r) => r.msg === 'log-writer commit');
      expect(line).toMatchObject({ source: 'plugin', fields: { stream: 'orders', batches: '2', records: '3', fields: 'id,name' } });
    } finally {
      await writer.close();
    }
  });

  it('maps errors to the contract: bad config, unsupported encoding, bad data, write after commit', async () => {
    const { writer } = await open();
    try {
      await expect(writer.check({ sample: 'yes' })).rejects.toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'CONFIG_INVALID' } });
      const sink = await writer.openSink({}, stream);
      await expect(sink.write({ encoding: 'arrow-ipc-stream', bytes: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'PLUGIN_NOT_SUPPORTED' });
      await expect(sink.write({ encoding: 'json-lines', bytes: new TextEncoder().encode('{nope\n') })).rejects.toMatchObject({ code: 'PLUGIN_DATA' });
      const ok = await writer.openSink({}, stream);
      await ok.commit();
      const e = await ok.write({ encoding: 'json-lines', bytes: jsonl([{ id: 1 }]) }).catch((err: HostError) => err);
      expect(e).toMatchObject({ code: 'PLUGIN_INTERNAL', details: { pluginCode: 'SINK_CLOSED' } });
      expect(writer.instance.alive).toBe(true); // errors, not traps
    } finally {
      await writer.close();
    }
  });
});
