/** A writer plugin driven through open, write, commit and abort, inside its grant. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { shippedComponent, tempDir, writeManifest } from '../helpers/fixtures.js';

const stream = { name: 'orders', jsonSchema: { type: 'object' }, primaryKey: ['id'], cursorFields: [], supportsIncremental: false };
const lines = (rows: object[]) => ({ encoding: 'json-lines' as const, bytes: new TextEncoder().encode(rows.map((r) => JSON.stringify(r) + '\n').join('')) });

async function openWriter(access: 'read' | 'read-write') {
  const out = tempDir('dativo-writer-');
  const manifest = writeManifest(shippedComponent('jsonl-writer'), {
    name: 'jsonl-writer',
    kind: 'writer',
    capabilities: { filesystem: [{ guest: '/out', access }] },
  });
  const logs = new MemoryLogDestination();
  const writer = await (await loadPlugin({ manifest, bindings: { '/out': out }, logger: createLogger({ destination: logs }) })).openWriter();
  return { out, writer, logs };
}

describe('writer plugin (jsonl-writer)', () => {
  it('writes batches and makes them visible only on commit', async () => {
    const { out, writer } = await openWriter('read-write');
    try {
      expect((await writer.spec()).encodings).toEqual(['json-lines']);
      const sink = await writer.openSink({ dir: '/out' }, stream);
      await sink.write(lines([{ id: 1 }, { id: 2 }]));
      await sink.write(lines([{ id: 3 }]));
      expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
      const info = await sink.commit();
      expect(info.records).toBe(3);
      const files = readdirSync(out).filter((f) => !f.startsWith('.'));
      expect(files).toHaveLength(1);
      expect(readFileSync(join(out, files[0]!), 'utf8')).toBe('{"id":1}\n{"id":2}\n{"id":3}\n');
      expect(info.locations[0]).toMatch(/^\/out\/orders/);
    } finally {
      await writer.close();
    }
  });

  it('abort leaves nothing behind', async () => {
    const { out, writer } = await openWriter('read-write');
    try {
      const sink = await writer.openSink({ dir: '/out' }, stream);
      await sink.write(lines([{ id: 1 }]));
      await sink.abort();
      expect(readdirSync(out)).toEqual([]);
    } finally {
      await writer.close();
    }
  });

  it('refuses arrow batches it does not support, as a typed plugin error', async () => {
    const { writer } = await openWriter('read-write');
    try {
      const sink = await writer.openSink({ dir: '/out' }, stream);
      await expect(sink.write({ encoding: 'arrow-ipc-stream', bytes: new Uint8Array(8) })).rejects.toMatchObject({ code: 'PLUGIN_NOT_SUPPORTED' });
    } finally {
      await writer.close();
    }
  });

  it('cannot write through a read-only grant', async () => {
    const { out, writer, logs } = await openWriter('read');
    try {
      await expect(writer.openSink({ dir: '/out' }, stream)).rejects.toMatchObject({ code: 'CAPABILITY_DENIED' });
      expect(existsSync(out) && readdirSync(out)).toEqual([]);
      expect(logs.audits('capability.denied')).not.toHaveLength(0);
    } finally {
      await writer.close();
    }
  });
});
