import { RecordBatch, Struct, makeData, vectorFromArray } from 'apache-arrow';

/** Folder-safe text of a partition value (Hive style; null is __HIVE_DEFAULT_PARTITION__). */
export function partitionValue(v: unknown): string {
  if (v === null || v === undefined) return '__HIVE_DEFAULT_PARTITION__';
  const text = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : String(v);
  return encodeURIComponent(text);
}

/**
 * Splits a batch by the values of the partition columns: folder -> rows of that
 * partition, in their original order. Rows are gathered column by column.
 */
export function partitionBatch(batch: RecordBatch, columns: string[]): Map<string, RecordBatch> {
  const keyCols = columns.map((c) => {
    const v = batch.getChild(c);
    if (!v) throw new Error(`partition column "${c}" is not in the batch (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
    return v;
  });
  const groups = new Map<string, number[]>();
  for (let i = 0; i < batch.numRows; i++) {
    const folder = columns.map((c, j) => `${c}=${partitionValue(keyCols[j]!.get(i))}`).join('/');
    let rows = groups.get(folder);
    if (!rows) groups.set(folder, (rows = []));
    rows.push(i);
  }
  const out = new Map<string, RecordBatch>();
  if (groups.size === 1) {
    out.set([...groups.keys()][0]!, batch);
    return out;
  }
  for (const [folder, rows] of groups) out.set(folder, take(batch, rows));
  return out;
}

function take(batch: RecordBatch, rows: number[]): RecordBatch {
  const children = batch.schema.fields.map((field) => {
    const src = batch.getChild(field.name)!;
    return vectorFromArray(rows.map((i) => src.get(i)), field.type).data[0]!;
  });
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: rows.length, nullCount: 0, children }));
}
