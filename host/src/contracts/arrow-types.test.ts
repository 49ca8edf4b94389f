import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arrowTypeFor, describeType, inferLogicalType } from './arrow-types.js';
import { loadContract, parseContract } from './load-contract.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/contracts/orders.odcs.yaml', import.meta.url));

describe('ODCS -> Arrow types', () => {
  it('maps the example contract to the schema the Parquet writer gets', () => {
    const schema = loadContract(EXAMPLE).objects[0]!.arrowSchema;
    expect(schema.fields.map((f) => [f.name, describeType(f.type), f.nullable])).toEqual([
      ['order_id', 'Int64', false],
      ['customer', 'Utf8', false],
      ['product', 'Utf8', true],
      ['quantity', 'Int64', true],
      ['price', 'Float64', true],
      ['ordered_at', 'Timestamp(MICROSECOND, UTC)', true],
      ['express', 'Bool', true],
      ['region', 'Utf8', true],
    ]);
  });

  it.each([
    ['string', undefined, 'Utf8'],
    ['integer', undefined, 'Int64'],
    ['integer', 'bigint', 'Int64'],
    ['integer', 'int', 'Int32'],
    ['integer', 'INT32', 'Int32'],
    ['number', undefined, 'Float64'],
    ['number', 'decimal(10,2)', 'Decimal128(10, 2)'],
    ['number', 'NUMERIC(38, 0)', 'Decimal128(38, 0)'],
    ['number', 'decimal(12)', 'Decimal128(12, 0)'],
    ['number', 'decimal(39,2)', 'Float64'],
    ['number', 'numeric', 'Float64'],
    ['number', 'decimal(4,5)', 'Float64'],
    ['number', 'double', 'Float64'],
    ['string', 'bytea', 'Binary'],
    ['string', 'BINARY', 'Binary'],
    ['string', 'varbinary(16)', 'Binary'],
    ['boolean', undefined, 'Bool'],
    ['date', undefined, 'Date32'],
    ['date', 'date', 'Date32'],
    ['date', 'timestamp', 'Timestamp(MICROSECOND, UTC)'],
    ['date', 'TIMESTAMP_NTZ', 'Timestamp(MICROSECOND, UTC)'],
    ['object', undefined, 'Utf8'],
    ['array', undefined, 'Utf8'],
  ] as const)('%s / physicalType %s -> %s', (logical, physical, expected) => {
    expect(describeType(arrowTypeFor(logical, physical))).toBe(expected);
  });

  it('uses Int32 for integer format i32 and keeps the exact Arrow classes', () => {
    expect(arrowTypeFor('integer', undefined, 'i32')).toBeInstanceOf(arrow.Int32);
    expect(arrowTypeFor('integer', undefined, 'i64')).toBeInstanceOf(arrow.Int64);
    const ts = arrowTypeFor('date', 'timestamp') as arrow.Timestamp;
    expect([ts.unit, ts.timezone]).toEqual([arrow.TimeUnit.MICROSECOND, 'UTC']);
    expect((arrowTypeFor('date') as arrow.DateDay).unit).toBe(arrow.DateUnit.DAY);
  });

  it('infers the logical type from physicalType when logicalType is absent', () => {
    expect(inferLogicalType('BIGINT')).toBe('integer');
    expect(inferLogicalType('numeric(12,4)')).toBe('number');
    expect(inferLogicalType('timestamp')).toBe('date');
    expect(inferLogicalType('varchar(20)')).toBe('string');
    expect(inferLogicalType(undefined)).toBe('string');
    const c = parseContract(
      'apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: "1"\nstatus: draft\nschema:\n  - name: t\n    properties:\n      - { name: n, physicalType: bigint }\n',
      't.yaml',
    );
    expect(c.objects[0]!.fields[0]).toMatchObject({ logicalType: 'integer', physicalType: 'bigint' });
    expect(describeType(c.objects[0]!.fields[0]!.arrowType)).toBe('Int64');
  });

  it('gives reader plugins a JSON Schema of one record', () => {
    const js = loadContract(EXAMPLE).objects[0]!.jsonSchema as {
      type: string;
      required: string[];
      properties: Record<string, { type: unknown; format?: string }>;
    };
    expect(js.type).toBe('object');
    expect(js.required).toEqual(['order_id', 'customer']);
    expect(js.properties.order_id!.type).toBe('integer');
    expect(js.properties.product!.type).toEqual(['string', 'null']);
    expect(js.properties.ordered_at).toMatchObject({ type: ['string', 'null'], format: 'date-time' });
    expect(js.properties.price!.type).toEqual(['number', 'null']);
  });
});
