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

describe('withSchema: the schema message cache', () => {
  const plugin = () => arrow.tableToIPC(batch(), 'stream');
  const schema = (idNullable: boolean, meta = 'orders@1', type: arrow.DataType = new arrow.Int64()) =>
    new arrow.Schema([new arrow.Field('order_id', type, idNullable), new arrow.Field('customer', new arrow.Utf8(), true)], new Map([['dativo.contract', meta]]));
  const head = (s: arrow.Schema) => arrow.tableFromIPC(withSchema(plugin(), s)).schema;

  it('a new Schema object with the same content gives the same message (what each validated batch carries)', () => {
    const a = withSchema(plugin(), schema(false));
    const b = withSchema(plugin(), schema(false));
    expect(b).toEqual(a);
  });

  it('a schema differing in nullability, metadata or a type parameter is not served the cached message', () => {
    head(schema(false));
    expect(head(schema(true)).fields[0]!.nullable).toBe(true);
    expect(head(schema(false, 'orders@2')).metadata.get('dativo.contract')).toBe('orders@2');
    const ts = (tz: string) => new arrow.Schema([new arrow.Field('at', new arrow.TimestampMicrosecond(tz), true)]);
    const tsStream = arrow.tableToIPC(new arrow.Table({ at: arrow.vectorFromArray([1], new arrow.TimestampMicrosecond('UTC')) }), 'stream');
    const tzOf = (tz: string) => (arrow.tableFromIPC(withSchema(tsStream, ts(tz))).schema.fields[0]!.type as arrow.Timestamp).timezone;
    expect(tzOf('UTC')).toBe('UTC');
    expect(tzOf('Europe/Paris')).toBe('Europe/Paris');
    const dec = (bitWidth: number) => new arrow.Schema([new arrow.Field('d', new arrow.Decimal(2, 12, bitWidth), true)]);
    const decStream = arrow.tableToIPC(new arrow.Table({ d: arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(2, 12, 128), length: 1, data: new Uint32Array(4) })) }), 'stream');
    // The schema message (the first) as decoded: 128 then 256 bits, not the cached 128.
    const widthOf = (bw: number) => (new arrow.MessageReader(withSchema(decStream, dec(bw))).readSchema()!.fields[0]!.type as arrow.Decimal).bitWidth;
    expect(widthOf(128)).toBe(128);
    expect(widthOf(256)).toBe(256);
  });
});
