/**
 * The table's partition spec from the job's target.partitioning, and each data file's
 * partition tuple from its folder. The built-in writer splits a stream by the values of
 * the partition columns (`col=value` folders, writers/parquet/partition.ts), so a file
 * holds one value per column: `col` is an identity partition, `day(col)` a day partition
 * of a date column (a date's day is the date itself). A day of a timestamp column would
 * need the writer to split by day, which it does not: refused.
 */
import { IcebergTargetError } from './errors.js';
import type { IcebergSchema } from './schema.js';

export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: 'identity' | 'day';
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

/** The first partition field id, as the Iceberg spec numbers them. */
export const FIRST_PARTITION_FIELD_ID = 1000;

const ENTRY = /^(?:(day)\(\s*([^()\s]+)\s*\)|([^()\s]+))$/;

export interface JobPartitioning {
  /** The columns the writer splits by, in order. */
  columns: string[];
  transforms: { column: string; transform: 'identity' | 'day' }[];
}

export function parsePartitioning(entries: string[]): JobPartitioning {
  const transforms = entries.map((e) => {
    const m = ENTRY.exec(e.trim());
    if (!m) throw new IcebergTargetError('ICEBERG_NOT_SUPPORTED', `target.partitioning: ${JSON.stringify(e)} is neither a column nor day(column)`, { details: { entry: e } });
    return m[1] ? { column: m[2]!, transform: 'day' as const } : { column: m[3]!, transform: 'identity' as const };
  });
  return { columns: transforms.map((t) => t.column), transforms };
}

export function partitionSpecFor(p: JobPartitioning, schema: IcebergSchema): PartitionSpec {
  return {
    'spec-id': 0,
    fields: p.transforms.map((t, i) => {
      const source = schema.fields.find((f) => f.name === t.column);
      if (!source) throw new IcebergTargetError('ICEBERG_NOT_SUPPORTED', `target.partitioning: column ${t.column} is not in the contract`, { details: { column: t.column } });
      if (t.transform === 'day' && source.type !== 'date') {
        throw new IcebergTargetError('ICEBERG_NOT_SUPPORTED', `target.partitioning: day(${t.column}) needs a date column (${t.column} is ${source.type}); partition timestamps by a date column`, {
          details: { column: t.column, type: source.type },
        });
      }
      return { 'source-id': source.id, 'field-id': FIRST_PARTITION_FIELD_ID + i, name: t.transform === 'day' ? `${t.column}_day` : t.column, transform: t.transform };
    }),
  };
}

/** Same fields, sources and transforms (ids and names aside). */
export function sameSpec(a: Pick<PartitionSpec, 'fields'>, b: Pick<PartitionSpec, 'fields'>): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f['source-id'] === b.fields[i]!['source-id'] && f.transform === b.fields[i]!.transform);
}

/** The Iceberg type of a partition field's value. */
export function partitionResultType(field: Pick<PartitionField, 'source-id' | 'transform'>, schema: IcebergSchema): string {
  const source = schema.fields.find((f) => f.id === field['source-id']);
  if (!source) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `partition source field ${field['source-id']} is not in the schema`);
  return field.transform === 'day' ? 'date' : source.type;
}

const DAY_MS = 86_400_000;

/**
 * A file's partition tuple (field name -> value as Avro takes it) from the `col=value`
 * folders of its path, which the writer made from the values (partitionValue).
 */
export function partitionOf(path: string, spec: PartitionSpec, schema: IcebergSchema): Record<string, unknown> {
  const folders = new Map(
    path.split('/').flatMap((s) => {
      const eq = s.indexOf('=');
      return eq > 0 ? [[s.slice(0, eq), decodeURIComponent(s.slice(eq + 1))] as const] : [];
    }),
  );
  const tuple: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const source = schema.fields.find((s) => s.id === f['source-id'])!;
    const text = folders.get(source.name);
    if (text === undefined) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `file ${path} has no ${source.name}= folder for partition field ${f.name}`);
    tuple[f.name] = text === '__HIVE_DEFAULT_PARTITION__' ? null : partitionValueOf(text, partitionResultType(f, schema), path);
  }
  return tuple;
}

function partitionValueOf(text: string, type: string, path: string): unknown {
  const bad = (): never => {
    throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `file ${path}: partition value ${JSON.stringify(text)} is not a ${type}`);
  };
  switch (type) {
    case 'int':
    case 'long': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : bad();
    }
    case 'float':
    case 'double':
      return Number.isNaN(Number(text)) && text !== 'NaN' ? bad() : Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : bad();
    case 'date': {
      // Date32 values arrive as milliseconds since the epoch.
      const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
      return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : bad();
    }
    case 'string':
      return text;
    default:
      throw new IcebergTargetError('ICEBERG_NOT_SUPPORTED', `a partition on a ${type} column is not supported`, { details: { type } });
  }
}
