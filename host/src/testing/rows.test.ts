import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Int32, Int64, List, Struct, Table, tableFromArrays, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { batchRows, committedRows, jsonLinesBatch, parquetRows } from './rows.js';

const parquetOf = (t: Table): Uint8Array => writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')));

describe('rows', () => {
  it('JSON Lines batches, and jsonLinesBatch back', () => {
    const b = jsonLinesBatch([{ id: 1, s: 'a' }, { id: 2, s: null }], '{"n":2}');
    expect(b).toMatchObject({ encoding: 'json-lines', checkpoint: '{"n":2}' });
    expect(new TextDecoder().decode(b.bytes)).toBe('{"id":1,"s":"a"}\n{"id":2,"s":null}\n');
    expect(batchRows({ encoding: 'json-lines', bytes: new TextEncoder().encode('{"a":1}\n\n{"a":2}') })).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('Arrow IPC: int64 as numbers (bigint past 2^53), structs as objects, lists as arrays', () => {
    const big = 2n ** 60n;
    const struct = new Struct([new Field('x', new Int32()), new Field('y', new Utf8())]);
    const table = new Table({
      id: vectorFromArray([1n, big], new Int64()),
      point: vectorFromArray([{ x: 1, y: 'a' }, { x: 2, y: 'b' }], struct),
      tags: vectorFromArray([['p'], ['q', 'r']], new List(new Field('item', new Utf8()))),
    });
    const rows = batchRows({ encoding: 'arrow-ipc-stream', bytes: tableToIPC(table, 'stream') });
    expect(rows).toEqual([
      { id: 1, point: { x: 1, y: 'a' }, tags: ['p'] },
      { id: big, point: { x: 2, y: 'b' }, tags: ['q', 'r'] },
    ]);
    expect(batchRows({ encoding: 'arrow-ipc-stream', bytes: new Uint8Array() })).toEqual([]);
  });

  it('committedRows reads the run folders of a stream only, never _dativo', () => {
    const root = mkdtempSync(join(tmpdir(), 'dativo-rows-'));
    const write = (rel: string, ids: number[]) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), parquetOf(tableFromArrays({ id: Int32Array.from(ids) })));
    };
    write('orders/run_id=20260101T000000Z-aaaaaa/part-0.parquet', [1, 2]);
    write('orders/run_id=20260102T000000Z-bbbbbb/date=2026-01-02/part-0.parquet', [3]);
    write('_dativo/staging/acme+job+r/orders/part-0.parquet', [99]);
    write('orders/not-a-run/part-0.parquet', [98]);
    expect(parquetRows(join(root, 'orders/run_id=20260101T000000Z-aaaaaa/part-0.parquet'))).toEqual([{ id: 1 }, { id: 2 }]);
    expect(committedRows(root, 'orders')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(committedRows(root, 'missing')).toEqual([]);
  });
});
