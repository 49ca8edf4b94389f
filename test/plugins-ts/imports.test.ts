/**
 * A TypeScript component imports what its manifest grants: the shipped bench reader (no
 * HTTP grant) has no wasi:http import at all and still runs; the rest-api reader (an HTTP
 * grant) imports it. Imports are read from the component's bytes (plugin review's reader).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin, type BuiltPlugin } from '../../host/src/build/build-plugin.js';
import { inspectComponent } from '../../host/src/capabilities/review/inspect-component.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { REPO } from '../helpers/fixtures.js';

const built: Record<string, BuiltPlugin> = {};
beforeAll(async () => {
  for (const name of ['bench-reader', 'rest-api-reader']) {
    built[name] = await buildPlugin(join(REPO, 'plugins-ts', name), { log: (l) => process.stderr.write(`[${name}] ${l}\n`) });
  }
}, 900_000);

const importsOf = async (name: string) => (await inspectComponent(readFileSync(built[name]!.component))).imports;

describe('TypeScript components import what the manifest grants', () => {
  it('a reader without an HTTP grant has no wasi:http import, and reads', async () => {
    const imports = await importsOf('bench-reader');
    expect(imports.filter((i) => i.startsWith('wasi:http/'))).toEqual([]);
    expect(imports).toEqual(expect.arrayContaining(['dativo:plugin/log@0.1.0', 'wasi:clocks/wall-clock@0.2.12', 'wasi:random/random@0.2.12']));

    const plugin = await loadPlugin({ manifest: built['bench-reader']!.manifest, env: {}, logger: createLogger({ destination: new MemoryLogDestination() }) });
    const reader = await plugin.openReader();
    try {
      let rows = 0;
      for await (const b of reader.read({ config: { rows: 2500, batch_rows: 1000 }, stream: 'bench' })) {
        rows += new TextDecoder().decode(b.bytes).trimEnd().split('\n').length;
      }
      expect(rows).toBe(2500);
    } finally {
      await reader.close();
    }
  });

  it('a reader granted an HTTP origin imports wasi:http (fetch)', async () => {
    const imports = await importsOf('rest-api-reader');
    expect(imports).toEqual(expect.arrayContaining(['wasi:http/outgoing-handler@0.2.10', 'wasi:http/types@0.2.10']));
  });
});
