import { describe, expect, it } from 'vitest';
import type { Batch } from '../runtime/plugin-types.js';
import { RecordBatcher } from './record-batcher.js';

const ids = (b: Batch) => new TextDecoder().decode(b.bytes).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
const shape = (batches: Batch[]) => batches.map((b) => ({ ids: ids(b), checkpoint: b.checkpoint }));

describe('RecordBatcher', () => {
  it('a checkpoint goes on the batch of exactly the records before its STATE', () => {
    const b = new RecordBatcher(4);
    const out: Batch[] = [];
    for (const id of [1, 2, 3]) out.push(...b.add({ id }));
    b.state('s3');
    out.push(...b.add({ id: 4 })); // full: records 1-3 with s3; 4 waits for its own state
    expect(shape(out)).toEqual([{ ids: [1, 2, 3], checkpoint: 's3' }]);
    for (const id of [5, 6]) out.push(...b.add({ id }));
    b.state('s6');
    out.push(...b.end());
    expect(shape(out)).toEqual([
      { ids: [1, 2, 3], checkpoint: 's3' },
      { ids: [4, 5, 6], checkpoint: 's6' },
    ]);
  });

  it('records after the last state go without a checkpoint; a state after a flush is an empty batch', () => {
    const b = new RecordBatcher(2);
    const out = [...b.add({ id: 1 }), ...b.add({ id: 2 })];
    b.state('s2');
    out.push(...b.add({ id: 3 }), ...b.end());
    expect(shape(out)).toEqual([
      { ids: [1, 2], checkpoint: undefined },
      { ids: [], checkpoint: 's2' },
      { ids: [3], checkpoint: undefined },
    ]);
  });
});
