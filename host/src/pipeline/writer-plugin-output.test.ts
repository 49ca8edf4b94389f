import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { toJsonLines } from './writer-plugin-output.js';

describe('toJsonLines', () => {
  it('writes int64 values past 2^53 as exact JSON numbers, and others as they are', () => {
    const batch = new arrow.RecordBatch({
      id: arrow.vectorFromArray([9007199254740993n, -9223372036854775808n, 42n, null], new arrow.Int64()).data[0]!,
      name: arrow.vectorFromArray(['int64:1', 'a "quoted" \u0000int64:5', '\u0000int64:7', 'd'], new arrow.Utf8()).data[0]!,
    });
    const lines = new TextDecoder().decode(toJsonLines(batch)).trim().split('\n');
    expect(lines).toEqual([
      '{"id":9007199254740993,"name":"int64:1"}',
      '{"id":-9223372036854775808,"name":"a \\"quoted\\" \\u0000int64:5"}',
      '{"id":42,"name":"\\u0000int64:7"}',
      '{"id":null,"name":"d"}',
    ]);
  });
});
