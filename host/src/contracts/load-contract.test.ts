import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { contractObjectFor, loadContract, odcsSchema, parseContract } from './index.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/contracts/orders.odcs.yaml', import.meta.url));
const exampleText = readFileSync(EXAMPLE, 'utf8');

const writeTemp = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'dativo-contract-')), name);
  writeFileSync(file, text);
  return file;
};

const thrown = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected an error');
};

describe('loadContract', () => {
  it('loads the example orders contract', () => {
    const c = loadContract(EXAMPLE);
    expect(c.file).toBe(EXAMPLE);
    expect(c.id).toBe('5b7c1f0e-3d2a-4c8e-9f61-0a2d4e6b8c10');
    expect(c.version).toBe('1.0.0');
    expect(c.name).toBe('orders');
    expect(c.objects.map((o) => o.name)).toEqual(['orders']);
    const orders = c.objects[0]!;
    expect(orders.fields.map((f) => f.name)).toEqual(['order_id', 'customer', 'product', 'quantity', 'price', 'ordered_at', 'express', 'region']);
    expect(orders.primaryKey).toEqual(['order_id']);
    const customer = orders.fields.find((f) => f.name === 'customer')!;
    expect(customer).toMatchObject({ required: true, primaryKey: false, classification: 'restricted', tags: ['pii', 'personal-data'] });
    expect(JSON.parse(orders.parquetMetadata['dativo.contract']!)).toMatchObject({ id: c.id, version: '1.0.0', object: 'orders' });
    expect(JSON.parse(orders.parquetMetadata['dativo.classification']!)).toMatchObject({ customer: 'restricted', region: 'internal' });
    expect(JSON.parse(orders.parquetMetadata['dativo.tags']!)).toEqual({
      object: ['orders', 'facts'],
      fields: { customer: ['pii', 'personal-data'], price: ['finance'], region: ['low-cardinality', 'dimension'] },
    });
    expect(orders.arrowSchema.metadata.get('dativo.primary_key')).toBe('["order_id"]');
    expect(orders.arrowSchema.fields[1]!.metadata.get('dativo.classification')).toBe('restricted');
  });

  it('validates against the vendored official ODCS v3.0.2 schema (draft 2019-09)', () => {
    const schema = odcsSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2019-09/schema');
    expect((schema.properties as { apiVersion: { default: string } }).apiVersion.default).toBe('v3.0.2');
  });

  it('rejects a wrong logicalType with CONTRACT_INVALID naming the file and the JSON pointer', () => {
    const text = exampleText.replace(/(name: quantity\n\s+logicalType:) integer/, '$1 int');
    expect(text).not.toBe(exampleText);
    const file = writeTemp('bad-type.odcs.yaml', text);
    const e = thrown(() => loadContract(file));
    expect(e.code).toBe('CONTRACT_INVALID');
    expect(e.message).toContain(file);
    expect(e.message).toContain('schema/0/properties/3/logicalType: must be equal to one of the allowed values');
    // The unevaluatedProperties echoes of the failing property are not what the user sees first.
    expect(e.message).not.toContain('unknown property "name"');
    const v = (e.details.violations as { pointer: string; line: number }[])[0]!;
    expect(v).toMatchObject({ pointer: 'schema/0/properties/3/logicalType', line: 50 });
  });

  it('rejects a contract without apiVersion', () => {
    const e = thrown(() => parseContract(exampleText.replace('apiVersion: v3.0.2\n', ''), 'no-api.yaml'));
    expect(e.code).toBe('CONTRACT_INVALID');
    expect(e.message).toContain("no-api.yaml is not valid ODCS v3.0.2: (top level): must have required property 'apiVersion'");
  });

  it('rejects a property the standard does not define', () => {
    const e = thrown(() => parseContract(exampleText.replace('        unique: true\n', '        unique: true\n        colour: red\n'), 'x.yaml'));
    expect(e.code).toBe('CONTRACT_INVALID');
    expect(e.message).toContain('schema/0/properties/0: unknown property "colour"');
  });

  it('checks formats (contractCreatedTs must be a date-time)', () => {
    const e = thrown(() => parseContract(exampleText.replace('status: active\n', 'status: active\ncontractCreatedTs: yesterday\n'), 'x.yaml'));
    expect(e.message).toContain('contractCreatedTs: must match format "date-time"');
  });

  it('names file:line:column for a YAML syntax error', () => {
    const file = writeTemp('syntax.odcs.yaml', 'apiVersion: v3.0.2\nkind: DataContract\nid: [unclosed\nversion: 1.0.0\n');
    const e = thrown(() => loadContract(file));
    expect(e.code).toBe('CONTRACT_YAML_SYNTAX');
    expect(e.message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(e.details).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
    expect(e.details.line as number).toBeGreaterThanOrEqual(3);
  });

  it('reports a missing file as CONTRACT_NOT_FOUND', () => {
    const e = thrown(() => loadContract('/nonexistent/dir/orders.odcs.yaml'));
    expect(e.code).toBe('CONTRACT_NOT_FOUND');
    expect(e.message).toContain('/nonexistent/dir/orders.odcs.yaml');
  });

  it('primaryKey implies required, and the primary key follows primaryKeyPosition', () => {
    const c = parseContract(
      `apiVersion: v3.0.2
kind: DataContract
id: t
version: 0.0.1
status: draft
schema:
  - name: lines
    properties:
      - { name: line_no, logicalType: integer, primaryKey: true, primaryKeyPosition: 2 }
      - { name: order_id, logicalType: integer, primaryKey: true, primaryKeyPosition: 1 }
      - { name: note, logicalType: string }
`,
      'pk.yaml',
    );
    const o = c.objects[0]!;
    expect(o.primaryKey).toEqual(['order_id', 'line_no']);
    expect(o.fields[0]).toMatchObject({ name: 'line_no', required: true, primaryKey: true });
    expect(o.arrowSchema.fields.map((f) => f.nullable)).toEqual([false, false, true]);
  });
});

describe('contractObjectFor', () => {
  it('finds the object named like the stream', () => {
    const c = loadContract(EXAMPLE);
    expect(contractObjectFor(c, 'orders')).toBe(c.objects[0]);
  });

  it('lists the available objects when the stream has none', () => {
    const e = thrown(() => contractObjectFor(loadContract(EXAMPLE), 'customers'));
    expect(e.code).toBe('CONTRACT_OBJECT_NOT_FOUND');
    expect(e.message).toContain('"customers"');
    expect(e.message).toContain('it has: "orders"');
    expect(e.details.available).toEqual(['orders']);
  });
});
