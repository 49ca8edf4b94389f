import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { withSchema } from './with-schema.js';

const batch = () =>
  new arrow.Table({
    id: arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()),
    name: arrow.vectorFromArray(['a', null, 'c'], new arrow.Utf8()),
  });

describe('withSchema', () => {
  it("re-heads a plugin's IPC stream with the contract's names, nullability and metadata, values untouched", () => {
    const plugin = arrow.tableToIPC(batch(), 'stream');
    const contract = new arrow.Schema(
      [new arrow.Field('order_id', new arrow.Int64(), false), new arrow.Field('customer', new arrow.Utf8(), true)],
      new Map([['dativo.contract', 'orders@1']]),
    );
    const back = arrow.tableFromIPC(withSchema(plugin, contract));
    expect(back.schema.fields.map((f) => [f.name, f.nullable])).toEqual([['order_id', false], ['customer', true]]);
    expect(back.schema.metadata.get('dativo.contract')).toBe('orders@1');
    expect(back.getChild('order_id')!.toArray()).toEqual(BigInt64Array.from([1n, 2n, 3n]));
    expect(back.getChild('customer')!.toArray()).toEqual(['a', null, 'c']);
  });

  it('leaves the input as it is (the new stream is a copy)', () => {
    const plugin = arrow.tableToIPC(batch(), 'stream');
    const before = plugin.slice();
    withSchema(plugin, batch().schema);
    expect(plugin).toEqual(before);
  });

  it('refuses bytes that are not an IPC stream', () => {
    expect(() => withSchema(new Uint8Array([1, 2, 3]), batch().schema)).toThrow(/not an Arrow IPC stream/);
    expect(() => withSchema(new Uint8Array([255, 255, 255, 255, 0, 1, 0, 0, 0, 0]), batch().schema)).toThrow(/no schema message/);
  });
});
