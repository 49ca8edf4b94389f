import { describe, expect, it } from 'vitest';
import type { Batch } from '../runtime/plugin-types.js';
import { RecordBatcher } from './record-batcher.js';

const ids = (b: Batch) => new TextDecoder().decode(b.bytes).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
const rec = (o: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify(o));
const shape = (batches: Batch[]) => batches.map((b) => ({ ids: ids(b), checkpoint: b.checkpoint }));

describe('RecordBatcher', () => {
  it('a checkpoint goes on the batch of exactly the records before its STATE', () => {
    const b = new RecordBatcher(4);
    const out: Batch[] = [];
    for (const id of [1, 2, 3]) out.push(...b.add(rec({ id })));
    b.state('s3');
    out.push(...b.add(rec({ id: 4 }))); // full: records 1-3 with s3; 4 waits for its own state
    expect(shape(out)).toEqual([{ ids: [1, 2, 3], checkpoint: 's3' }]);
    for (const id of [5, 6]) out.push(...b.add(rec({ id })));
    b.state('s6');
    out.push(...b.end());
    expect(shape(out)).toEqual([
      { ids: [1, 2, 3], checkpoint: 's3' },
      { ids: [4, 5, 6], checkpoint: 's6' },
    ]);
  });

  it('records after the last state go without a checkpoint; a state after a flush is an empty batch', () => {
    const b = new RecordBatcher(2);
    const out = [...b.add(rec({ id: 1 })), ...b.add(rec({ id: 2 }))];
    b.state('s2');
    out.push(...b.add(rec({ id: 3 })), ...b.end());
    expect(shape(out)).toEqual([
      { ids: [1, 2], checkpoint: undefined },
      { ids: [], checkpoint: 's2' },
      { ids: [3], checkpoint: undefined },
    ]);
  });

  it('copies a record from its range of a larger buffer, byte for byte, past the first buffer size', () => {
    const b = new RecordBatcher(10);
    const big = `{"id":2,"note":"${'é'.repeat(50_000)}"}`;
    const line = new TextEncoder().encode(`{"type":"RECORD","record":{"id":1,"s":"\\u00e9\\""},"x":1}`);
    const start = line.indexOf(0x7b, 1);
    const end = line.lastIndexOf(0x7d, line.length - 2) + 1;
    b.add(line, start, end);
    b.add(new TextEncoder().encode(big));
    const [batch] = b.end();
    expect(new TextDecoder().decode(batch!.bytes)).toBe(`{"id":1,"s":"\\u00e9\\""}\n${big}\n`);
  });

  it('a batch also ends at 4 MiB of records', () => {
    const b = new RecordBatcher(1_000_000);
    const one = rec({ id: 1, pad: 'x'.repeat(1000) });
    const out: Batch[] = [];
    for (let i = 0; i < 5000; i++) out.push(...b.add(one));
    out.push(...b.end());
    expect(out.length).toBe(2);
    expect(out[0]!.bytes.length).toBeGreaterThanOrEqual(4 * 2 ** 20);
    expect(out[0]!.bytes.length).toBeLessThan(4 * 2 ** 20 + one.length + 1);
    expect(out.reduce((n, x) => n + ids(x).length, 0)).toBe(5000);
  });
});
