/**
 * A TypeScript component imports what its manifest grants: the shipped bench reader (no
 * HTTP grant) has no wasi:http import at all and still runs; the rest-api reader (an HTTP
 * grant) imports it; a scaffolded TS writer given a folder grant builds against the world
 * file-writer-plugin. Imports are read from the component's bytes (plugin review's reader).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin, type BuiltPlugin } from '../../host/src/build/build-plugin.js';
import { scaffoldPlugin } from '../../host/src/build/scaffold.js';
import { inspectComponent } from '../../host/src/capabilities/review/inspect-component.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { REPO, tempDir } from '../helpers/fixtures.js';

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

  it('a scaffolded TS writer given a folder grant (the line its plugin.yaml suggests) imports wasi:filesystem', async () => {
    const dir = join(tempDir('dativo-ts-file-writer-'), 'files-writer');
    scaffoldPlugin({ name: 'files-writer', lang: 'ts', kind: 'writer', dir });
    const manifest = join(dir, 'plugin.yaml');
    const text = readFileSync(manifest, 'utf8');
    const suggested = text.match(/^# {5}(filesystem: .*)$/m)?.[1];
    expect(suggested).toBe('filesystem: [{ guest: /out, access: read-write }]');
    writeFileSync(manifest, text.replace('capabilities: {}', `capabilities:\n  ${suggested}`));
    // The SDK's files module imports wasi:filesystem: it builds only against file-writer-plugin.
    const index = join(dir, 'src', 'index.ts');
    const source = readFileSync(index, 'utf8');
    const sdkImport = source.match(/from '(.*)index\.js';/)![1]!;
    writeFileSync(
      index,
      `import { Folder } from '${sdkImport}files.js';\n` +
        source.replace('export const writer = defineWriter({\n', "export const writer = defineWriter({\n  check: () => void Folder.open('/out'),\n"),
    );
    const writer = await buildPlugin(dir, { log: (l) => process.stderr.write(`[files-writer] ${l}\n`) });
    const { imports, exports } = await inspectComponent(readFileSync(writer.component));
    expect(exports).toEqual(['dativo:plugin/writer@0.1.0']);
    expect(imports).toEqual(expect.arrayContaining(['wasi:filesystem/preopens@0.2.12', 'wasi:filesystem/types@0.2.12']));
    expect(imports.filter((i) => i.startsWith('wasi:http/'))).toEqual([]);

    const out = tempDir('dativo-ts-file-writer-out-');
    const plugin = await loadPlugin({ manifest: writer.manifest, bindings: { '/out': out }, env: {}, logger: createLogger({ destination: new MemoryLogDestination() }) });
    const client = await plugin.openWriter();
    try {
      await client.check({}); // Folder.open found the granted /out
    } finally {
      await client.close();
    }
  }, 300_000);
});
