import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { describeType, sameType } from './arrow-types.js';
import { nullColumn } from './columns.js';
import { parseContract } from './load-contract.js';
import { jsonLinesToBatch } from './json-lines.js';
import { takeData } from './rules/split-rejected.js';
import { validateBatch } from './validate-batch.js';

const CONTRACT = `apiVersion: v3.0.2
kind: DataContract
id: n
version: "1"
status: draft
schema:
  - name: t
    properties:
      - { name: id, logicalType: integer, required: true }
      - name: profile
        logicalType: object
        required: true
        properties:
          - { name: name, logicalType: string }
          - name: address
            logicalType: object
            properties: [{ name: zip, logicalType: integer, physicalType: int }, { name: since, logicalType: date }]
      - { name: scores, logicalType: array, items: { logicalType: number }, logicalTypeOptions: { minItems: 1 } }
      - name: items
        logicalType: array
        items: { logicalType: object, properties: [{ name: sku, logicalType: string }] }
      - { name: meta, logicalType: object, logicalTypeOptions: { minProperties: 1 } }
      - { name: list, logicalType: array }
`;

const object = () => parseContract(CONTRACT, 'n.yaml').objects[0]!;

describe('nested ODCS properties as Arrow Struct and List', () => {
  it('types object properties with nested properties as Struct and arrays with items as List', () => {
    const types = object().fields.map((f) => [f.name, describeType(f.arrowType)]);
    expect(types).toEqual([
      ['id', 'Int64'],
      ['profile', 'Struct<name: Utf8, address: Struct<zip: Int32, since: Date32>>'],
      ['scores', 'List<Float64>'],
      ['items', 'List<Struct<sku: Utf8>>'],
      ['meta', 'Utf8'],
      ['list', 'Utf8'],
    ]);
    const profile = object().arrowSchema.fields[1]!;
    expect(profile.nullable).toBe(false);
    expect((profile.type as arrow.Struct).children.every((c) => c.nullable)).toBe(true);
  });

  it('asks readers for the nested JSON Schema (nested fields nullable), plain JSON text otherwise', () => {
    const props = object().jsonSchema.properties as Record<string, unknown>;
    expect(props.profile).toEqual({
      type: 'object',
      properties: {
        name: { type: ['string', 'null'] },
        address: { type: ['object', 'null'], properties: { zip: { type: ['integer', 'null'], format: 'int32' }, since: { type: ['string', 'null'], format: 'date' } } },
      },
    });
    expect(props.scores).toEqual({ type: ['array', 'null'], items: { type: ['number', 'null'] } });
    expect(props.items).toEqual({ type: ['array', 'null'], items: { type: ['object', 'null'], properties: { sku: { type: ['string', 'null'] } } } });
    expect(props.meta).toEqual({ type: ['object', 'null'] });
    expect(props.list).toEqual({ type: ['array', 'null'] });
  });

  it('compares Struct field names, order and types, and List item types', () => {
    const s = (...f: [string, arrow.DataType][]) => new arrow.Struct(f.map(([n, t]) => new arrow.Field(n, t, true)));
    const l = (t: arrow.DataType, name = 'item') => new arrow.List(new arrow.Field(name, t, true));
    expect(sameType(s(['a', new arrow.Int64()], ['b', new arrow.Utf8()]), s(['a', new arrow.Int64()], ['b', new arrow.Utf8()]))).toBe(true);
    expect(sameType(s(['a', new arrow.Int64()]), s(['a', new arrow.Int32()]))).toBe(false);
    expect(sameType(s(['a', new arrow.Int64()]), s(['b', new arrow.Int64()]))).toBe(false);
    expect(sameType(s(['a', new arrow.Int64()], ['b', new arrow.Utf8()]), s(['b', new arrow.Utf8()], ['a', new arrow.Int64()]))).toBe(false);
    expect(sameType(l(new arrow.Int64()), l(new arrow.Int64(), 'element'))).toBe(true);
    expect(sameType(l(new arrow.Int64()), l(new arrow.Float64()))).toBe(false);
  });

  it('checks a batch column against the contract Struct type; a missing optional one is all null', () => {
    const o = object();
    const wrong = new arrow.Struct([new arrow.Field('name', new arrow.Int64(), true)]);
    const batch = new arrow.RecordBatch({
      id: arrow.makeData({ type: new arrow.Int64(), length: 1, nullCount: 0, data: new BigInt64Array([1n]) }),
      profile: nullColumn(wrong, 1),
    });
    const r = validateBatch(batch, o, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(r.issues.find((i) => i.field === 'profile')).toMatchObject({ kind: 'type-mismatch', actual: 'Struct<name: Int64>' });
    expect(r.batch.getChild('scores')!.toArray()).toEqual([null]);
    expect(describeType(r.batch.getChild('items')!.type)).toBe('List<Struct<sku: Utf8>>');
  });

  it('does not apply the JSON-text option checks to List / Struct columns (reported as not enforced)', () => {
    const o = object();
    expect(o.rules.notEnforced).toEqual([expect.objectContaining({ field: 'scores', rule: 'minItems', reason: 'minItems is not checked on List columns' })]);
    const batch = new arrow.RecordBatch({
      id: arrow.makeData({ type: new arrow.Int64(), length: 1, nullCount: 0, data: new BigInt64Array([1n]) }),
      meta: arrow.vectorFromArray(['{}'], new arrow.Utf8()).data[0]!,
    });
    const r = validateBatch(batch, o, { mode: 'warn', stream: 't', rowOffset: 0, rules: undefined });
    expect(r.batch.numRows).toBe(1);
  });

  it('takes rows of Struct and List columns (warn mode splits rejected rows off)', () => {
    const t = new arrow.Struct([new arrow.Field('n', new arrow.Int32(), true), new arrow.Field('s', new arrow.Utf8(), true)]);
    const sv = arrow.vectorFromArray([{ n: 1, s: 'a' }, null, { n: 3, s: null }, { n: 4, s: 'd' }], t);
    const st = new arrow.Vector([takeData(sv.data[0]!, Int32Array.from([1, 2, 3]))]);
    expect(st.toArray().map((r) => r?.toJSON() ?? null)).toEqual([null, { n: 3, s: null }, { n: 4, s: 'd' }]);
    const l = new arrow.List(new arrow.Field('item', new arrow.Int32(), true));
    const lv = arrow.vectorFromArray([[1, 2], [], null, [3, null]], l);
    const lt = new arrow.Vector([takeData(lv.data[0]!, Int32Array.from([0, 2, 3]))]);
    expect(lt.toArray().map((r) => (r === null ? null : [...r]))).toEqual([[1, 2], null, [3, null]]);
  });

  it('refuses Struct / List columns in the JSON Lines encoding, naming the field', () => {
    const bytes = new TextEncoder().encode('{"id":1,"profile":{"name":"a"}}\n');
    expect(() => jsonLinesToBatch(bytes, object())).toThrow(/field "profile".*nested columns come only in Arrow IPC/);
  });
});
