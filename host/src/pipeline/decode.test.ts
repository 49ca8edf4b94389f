import { describe, expect, it } from 'vitest';
import { parseContract, validateBatch } from '../contracts/index.js';
import { decodeBatch } from './decode.js';

const object = parseContract(
  'apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - { name: n, logicalType: integer }\n      - { name: s, logicalType: string }\n',
  't.yaml',
).objects[0]!;
const bytes = new TextEncoder().encode('{"n":1,"s":"a"}\n{"n":"two","s":"b"}\n{"n":3,"s":"c"}\n');

describe('decodeBatch of JSON Lines', () => {
  it('strict: a value of the wrong JSON type fails the batch, naming its line', () => {
    expect(() => [...decodeBatch({ encoding: 'json-lines', bytes }, object, 'strict')]).toThrow(/line 2/);
  });

  it('warn: it is null, and validation fails its row with rule "type" (kept or quarantined)', () => {
    const [rb] = [...decodeBatch({ encoding: 'json-lines', bytes }, object, 'warn')];
    const v = validateBatch(rb!, object, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(v.invalidRows).toBe(1);
    expect([...v.failures].map((f) => [f.row, f.rule, f.field, f.value])).toEqual([[1, 'type', 'n', 'two']]);
  });
});
