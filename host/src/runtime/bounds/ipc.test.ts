import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkBatch, type BatchBounds } from './index.js';

const bounds: BatchBounds = { maxRows: 1 << 20, maxExpandedBytes: 512 << 20, maxJsonLineBytes: 8 << 20, contractFields: 6 };
const ipc = (t: arrow.Table) => ({ encoding: 'arrow-ipc-stream' as const, bytes: arrow.tableToIPC(t, 'stream') });

describe('IPC header checks accept what apache-arrow writes', () => {
  const n = 5000;
  const flat = arrow.tableFromArrays({
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
    x: Float64Array.from({ length: n }, (_, i) => i / 3),
    s: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `v${i}`)), new arrow.Utf8()),
    b: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0)), new arrow.Bool()),
    c: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : ['a', 'bb', 'ccc'][i % 3]!))),
    t: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i * 1000), new arrow.TimestampMillisecond()),
  });

  it('flat columns with nulls, a dictionary, several batches', () => {
    expect(() => checkBatch('p', ipc(flat), bounds)).not.toThrow();
    const two = new arrow.Table([...flat.batches, ...flat.slice(0, 100).batches]);
    expect(() => checkBatch('p', ipc(two), bounds)).not.toThrow();
    expect(() => checkBatch('p', ipc(flat.slice(0, 0)), bounds)).not.toThrow();
  });

  it('nested columns get the framing and expansion checks only', () => {
    const nested = arrow.tableFromArrays({ l: arrow.vectorFromArray([[1, 2], [3], []], new arrow.List(new arrow.Field('item', new arrow.Int32()))) });
    expect(() => checkBatch('p', ipc(nested), bounds)).not.toThrow();
  });

  it('the same batch over a bound is refused by its headers', () => {
    expect(() => checkBatch('p', ipc(flat), { ...bounds, maxRows: 4999 })).toThrow(expect.objectContaining({ code: 'PLUGIN_OUTPUT_LIMIT' }));
    const truncated = ipc(flat).bytes.slice(0, 2000);
    expect(() => checkBatch('p', { encoding: 'arrow-ipc-stream', bytes: truncated }, bounds)).toThrow(expect.objectContaining({ code: 'BATCH_INVALID' }));
  });
});
