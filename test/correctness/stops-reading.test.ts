/** A run that fails on a batch stops reading its source: no reading on to the end after a failure. */
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { workspace } from './workspace.js';

describe('a failing stream', () => {
  it('strict: a bad row in the first batch ends the read; the reader never reaches the end of its file', async () => {
    const ws = workspace();
    const rows = ['flight_id,carrier,delay', '1,,1'];
    for (let i = 2; i <= 200_000; i++) rows.push(`${i},LH,${i % 7}`);
    ws.write('data/flights.csv', `${rows.join('\n')}\n`);
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'] }], config: { batch_rows: 1000 } } });
    const logs = new MemoryLogDestination();
    const err = await runJob(ws.job, { logger: createLogger({ destination: logs, level: 'debug' }) }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('DATA_VALIDATION_FAILED');
    // csv-reader logs "stream read" when its extraction reaches the end of the stream.
    expect(logs.records.filter((r) => String(r.msg).includes('stream read'))).toEqual([]);
  });
});
