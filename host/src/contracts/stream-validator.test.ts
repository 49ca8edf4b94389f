import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from './columns.js';
import { DataQualityError, DataValidationError } from './errors.js';
import { contractObjectFor, parseContract } from './load-contract.js';
import { StreamValidator } from './stream-validator.js';

const object = contractObjectFor(
  parseContract(
    [
      'apiVersion: v3.0.2',
      'kind: DataContract',
      'id: t',
      'version: 1.0.0',
      'status: active',
      'schema:',
      '  - name: t',
      '    quality: [{ rule: rowCount, mustBeGreaterThan: 4 }]',
      '    properties:',
      '      - { name: id, logicalType: integer, primaryKey: true }',
      '      - { name: code, logicalType: string, logicalTypeOptions: { pattern: "^[A-Z]+$" }, quality: [{ type: sql, query: "SELECT 1" }] }',
    ].join('\n'),
    't.odcs.yaml',
  ),
  't',
);
const batch = (ids: number[], codes: string[]) =>
  new arrow.RecordBatch({ id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()).data[0]!, code: utf8Column(codes) });
const ids = (b: arrow.RecordBatch | undefined) => (b ? Array.from(b.getChild('id')!.toArray() as BigInt64Array, Number) : []);

describe('StreamValidator', () => {
  it('warn + quarantine: accepted and rejected rows across batches; a rejected row makes no duplicate', () => {
    const v = new StreamValidator(object, { stream: 't', mode: 'warn', invalidRows: 'quarantine' });
    expect(v.warning).toContain('field "code": sql (unnamed): quality rules of type "sql" are not run by the host');
    const a = v.validate(batch([1, 2, 3], ['A', 'b', 'C']));
    expect([ids(a.batch), ids(a.rejected)]).toEqual([[1, 3], [2]]);
    expect(a.sameLayout).toBe(false);
    expect(a.rejected!.schema.fields.map((f) => f.name)).toEqual(v.rejectedSchema.fields.map((f) => f.name));
    const b = v.validate(batch([2, 3, 4], ['B', 'C', 'D']));
    // 2 was rejected before, so this 2 is new; 3 was accepted, so this 3 is a duplicate.
    expect([ids(b.batch), ids(b.rejected)]).toEqual([[2, 4], [3]]);
    expect([...b.failures].map((f) => [f.row, f.rule])).toEqual([[4, 'primaryKey']]);
    const c = v.validate(batch([5], ['E']));
    expect(c.rejected).toBeUndefined();
    expect(c.sameLayout).toBe(true);
    const s = v.finish();
    expect(s).toMatchObject({ rows: 7, invalidRows: 2, rejectedRows: 2, byRule: { pattern: 1, primaryKey: 1 } });
    expect(s.runRules).toMatchObject([{ rule: 'rowCount', actual: 7, status: 'passed' }]);
    expect(s.notEnforced).toHaveLength(1);
  });

  it('warn + keep (the default): every row stays, failures are counted', () => {
    const v = new StreamValidator(object, { stream: 't', mode: 'warn' });
    const a = v.validate(batch([1, 1], ['A', 'x']));
    expect(ids(a.batch)).toEqual([1, 1]);
    expect(a.rejected).toBeUndefined();
    expect(a.sameLayout).toBe(true);
    v.validate(batch([2], ['y']));
    expect(v.finish()).toMatchObject({ rows: 3, invalidRows: 2, rejectedRows: 0, byRule: { pattern: 2 }, runRules: [{ rule: 'rowCount', status: 'failed' }] });
  });

  it('strict: a failing row throws with its absolute row; a failing count rule throws at finish', () => {
    const v = new StreamValidator(object, { stream: 't', mode: 'strict' });
    v.validate(batch([1, 2], ['A', 'B']));
    expect(() => v.validate(batch([3, 2], ['C', 'D']))).toThrow(DataValidationError);
    const w = new StreamValidator(object, { stream: 't', mode: 'strict' });
    w.validate(batch([1, 2], ['A', 'B']));
    let err: unknown;
    try {
      w.validate(batch([3, 2], ['C', 'D']));
    } catch (e) {
      err = e;
    }
    expect((err as DataValidationError).details).toMatchObject({ row: 3, rule: 'primaryKey', field: 'id' });
    const few = new StreamValidator(object, { stream: 't', mode: 'strict' });
    few.validate(batch([1], ['A']));
    expect(() => few.finish()).toThrow(DataQualityError);
  });

  it('invalid_rows: quarantine means nothing in strict mode (the run fails instead)', () => {
    const v = new StreamValidator(object, { stream: 't', mode: 'strict', invalidRows: 'quarantine' });
    expect(v.quarantine).toBe(false);
    expect(() => v.validate(batch([1], ['a']))).toThrow(DataValidationError);
  });
});
