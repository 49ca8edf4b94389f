/** CI embeds the host as a library: the package's public entry point runs a job and a plugin. */
import { describe, expect, it } from 'vitest';
import { jobWorkspace, readRows, CSV_READER_MANIFEST } from '../helpers/job.js';

describe('the library API (import from "dativo-host")', () => {
  it('runs a job and calls a plugin exactly as an embedder would', async () => {
    const host = await import('dativo-host');
    const logs = new host.MemoryLogDestination();
    const logger = host.createLogger({ destination: logs });

    const ws = jobWorkspace(500);
    const summary = await host.runJob(ws.jobFile, { logger });
    expect(summary.records).toBe(500);
    expect(readRows(ws.out)).toHaveLength(500);

    const plugin = await host.loadPlugin({ manifest: CSV_READER_MANIFEST, bindings: { '/data': `${ws.dir}/data` }, logger });
    const reader = await plugin.openReader();
    try {
      expect((await reader.spec()).encodings).toContain('arrow-ipc-stream');
      const streams = await reader.discover({ files: ['/data/orders.csv'] });
      expect(streams.map((s) => s.name)).toEqual(['orders']);
    } finally {
      await reader.close();
    }
    expect(host.CONTRACT_VERSION).toBe('0.1.0');
  });
});
