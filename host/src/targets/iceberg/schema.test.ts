import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { buildContractObject, type OdcsProperty } from '../../contracts/contract-object.js';
import { icebergType, newTableSchema, planSchema, withFieldIds, type IcebergSchema } from './schema.js';
import { partitionOf, partitionSpecFor, parsePartitioning } from './partition-spec.js';
import { reconcileSchema } from './snapshot-commit.js';
import type { TableMetadata } from 'iceberg-js';

const object = (properties: OdcsProperty[]) => buildContractObject({ name: 'orders', properties }, { id: 'c', version: '1.0.0', apiVersion: 'v3.0.2' });
const base: OdcsProperty[] = [
  { name: 'id', logicalType: 'integer', required: true },
  { name: 'qty', logicalType: 'integer', physicalType: 'int' },
  { name: 'price', logicalType: 'number' },
  { name: 'name', logicalType: 'string' },
  { name: 'ok', logicalType: 'boolean' },
  { name: 'day', logicalType: 'date' },
  { name: 'at', logicalType: 'date', physicalType: 'timestamptz' },
];

describe('Iceberg table schema from the contract', () => {
  it('maps the contract types, ids 1..n in column order, required from the contract', () => {
    expect(newTableSchema(object(base)).fields).toEqual([
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'qty', type: 'int', required: false },
      { id: 3, name: 'price', type: 'double', required: false },
      { id: 4, name: 'name', type: 'string', required: false },
      { id: 5, name: 'ok', type: 'boolean', required: false },
      { id: 6, name: 'day', type: 'date', required: false },
      { id: 7, name: 'at', type: 'timestamptz', required: false },
    ]);
    expect(icebergType(new arrow.TimestampMicrosecond(), 'x')).toBe('timestamp');
    expect(icebergType(new arrow.Decimal(2, 12, 128), 'x')).toBe('decimal(12,2)');
    expect(icebergType(new arrow.Binary(), 'x')).toBe('binary');
    expect(() => icebergType(new arrow.Uint64(), 'x')).toThrow(expect.objectContaining({ code: 'ICEBERG_NOT_SUPPORTED' }));
  });

  it('refuses Struct and List columns (nested contract properties), naming the column', () => {
    const struct = object([...base, { name: 'profile', logicalType: 'object', properties: [{ name: 'city', logicalType: 'string' }] }]);
    expect(() => newTableSchema(struct)).toThrow(expect.objectContaining({ code: 'ICEBERG_NOT_SUPPORTED', message: expect.stringContaining('column profile: Arrow type Struct<city: Utf8>') }));
    const list = object([...base, { name: 'scores', logicalType: 'array', items: { logicalType: 'integer' } }]);
    expect(() => newTableSchema(list)).toThrow(expect.objectContaining({ code: 'ICEBERG_NOT_SUPPORTED', message: expect.stringContaining('column scores: Arrow type List<Int64>') }));
    // Without nested definitions they stay JSON text: an Iceberg string.
    expect(newTableSchema(object([...base, { name: 'meta', logicalType: 'object' }])).fields.at(-1)).toMatchObject({ name: 'meta', type: 'string' });
  });

  it('puts the field ids in the Arrow field metadata the Parquet writer reads', () => {
    const o = object(base);
    const s = withFieldIds(o.arrowSchema, newTableSchema(o));
    expect(s.fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('writing a contract into an existing table', () => {
  const table: IcebergSchema = { type: 'struct', 'schema-id': 3, fields: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 4, name: 'name', type: 'string', required: false }] };

  it('keeps the table ids and appends a new optional column after the last column id', () => {
    const plan = planSchema(object([base[0]!, { name: 'name', logicalType: 'string' }, { name: 'extra', logicalType: 'string' }]), table, 9, 'ns.t');
    expect(plan.added).toEqual(['extra']);
    expect(plan.schema).toEqual({ type: 'struct', 'schema-id': 4, fields: [...table.fields, { id: 10, name: 'extra', type: 'string', required: false }] });
    expect(planSchema(object([base[0]!, { name: 'name', logicalType: 'string' }]), table, 9, 'ns.t')).toEqual({ schema: table, added: [] });
    // An optional table column the contract dropped stays (it reads as null).
    expect(planSchema(object([base[0]!]), table, 9, 'ns.t').added).toEqual([]);
  });

  it.each([
    ['a type change', [base[0]!, { name: 'name', logicalType: 'integer' }], /name is string in the table, long in the contract/],
    ['a new required column', [base[0]!, { name: 'new', logicalType: 'string', required: true }], /new is new and required/],
    ['a required column made optional', [{ name: 'id', logicalType: 'integer' }], /id is required in the table, optional/],
    ['a required column dropped', [{ name: 'name', logicalType: 'string' }], /required column id is not in the contract/],
  ] as const)('refuses %s with ICEBERG_SCHEMA_INCOMPATIBLE', (_what, props, message) => {
    expect(() => planSchema(object([...props]), table, 9, 'ns.t')).toThrow(expect.objectContaining({ code: 'ICEBERG_SCHEMA_INCOMPATIBLE', message: expect.stringMatching(message) }));
  });

  const meta = (schema: IcebergSchema, last: number) =>
    ({ 'format-version': 2, 'table-uuid': 'u', schemas: [schema], 'current-schema-id': schema['schema-id'], 'last-column-id': last, 'partition-specs': [], 'sort-orders': [], properties: {} }) as TableMetadata;

  it('at commit: adds the planned schema when the table has not moved, refuses when another writer took the id', () => {
    const planned = planSchema(object([base[0]!, { name: 'name', logicalType: 'string' }, { name: 'extra', logicalType: 'string' }]), table, 9, 'ns.t').schema;
    expect(reconcileSchema(table, meta(table, 9), 'ns.t')).toEqual({ schemaId: 3, requirements: [], updates: [] });
    const r = reconcileSchema(planned, meta(table, 9), 'ns.t');
    expect(r.schemaId).toBe(4);
    expect(r.requirements).toEqual([{ type: 'assert-current-schema-id', 'current-schema-id': 3 }, { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 9 }]);
    expect(r.updates).toEqual([{ action: 'add-schema', schema: { ...planned, 'schema-id': 4 }, 'last-column-id': 10 }, { action: 'set-current-schema', 'schema-id': -1 }]);
    // Meanwhile another job added column 10 under another name: the files' id 10 means something else now.
    const moved: IcebergSchema = { ...table, 'schema-id': 4, fields: [...table.fields, { id: 10, name: 'other', type: 'string', required: false }] };
    expect(() => reconcileSchema(planned, meta(moved, 10), 'ns.t')).toThrow(expect.objectContaining({ code: 'ICEBERG_SCHEMA_INCOMPATIBLE' }));
  });
});

describe('partition spec and partition values', () => {
  const schema = newTableSchema(object(base));
  it('identity and day(date) from target.partitioning; day of a timestamp refused', () => {
    const p = parsePartitioning(['name', 'day(day)']);
    expect(p.columns).toEqual(['name', 'day']);
    const spec = partitionSpecFor(p, schema);
    expect(spec.fields).toEqual([
      { 'source-id': 4, 'field-id': 1000, name: 'name', transform: 'identity' },
      { 'source-id': 6, 'field-id': 1001, name: 'day_day', transform: 'day' },
    ]);
    expect(partitionOf('t/run_id=r/name=a%2Fb/day=1709596800000/part-00000.parquet', spec, schema)).toEqual({ name: 'a/b', day_day: 19787 });
    expect(partitionOf('t/run_id=r/name=__HIVE_DEFAULT_PARTITION__/day=0/part-00000.parquet', spec, schema)).toEqual({ name: null, day_day: 0 });
    expect(() => partitionSpecFor(parsePartitioning(['day(at)']), schema)).toThrow(expect.objectContaining({ code: 'ICEBERG_NOT_SUPPORTED' }));
    expect(() => parsePartitioning(['bucket(4, id)'])).toThrow(expect.objectContaining({ code: 'ICEBERG_NOT_SUPPORTED' }));
  });
});
