/**
 * The Avro schemas of Iceberg v2 manifests and manifest lists, with the spec's field ids
 * ("field-id", "element-id"): readers (Java, pyiceberg) resolve the fields by them.
 * https://iceberg.apache.org/spec/#manifests
 */
import { partitionResultType, type PartitionSpec } from './partition-spec.js';
import type { IcebergSchema } from './schema.js';

type AvroType = string | Record<string, unknown> | AvroType[];
const optional = (type: AvroType) => ['null', type];

/** The Avro type of a partition value of Iceberg type `type`. */
function avroTypeOf(type: string): AvroType {
  switch (type) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'boolean':
    case 'string':
      return type;
    case 'date':
      return { type: 'int', logicalType: 'date' };
    default:
      throw new Error(`no Avro type for a ${type} partition value`);
  }
}

export function manifestEntrySchema(spec: PartitionSpec, schema: IcebergSchema): Record<string, unknown> {
  const partition = {
    type: 'record',
    name: 'r102',
    fields: spec.fields.map((f) => ({ name: f.name, type: optional(avroTypeOf(partitionResultType(f, schema))), default: null, 'field-id': f['field-id'] })),
  };
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      { name: 'content', type: 'int', 'field-id': 134 },
      { name: 'file_path', type: 'string', 'field-id': 100 },
      { name: 'file_format', type: 'string', 'field-id': 101 },
      { name: 'partition', type: partition, 'field-id': 102 },
      { name: 'record_count', type: 'long', 'field-id': 103 },
      { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
      { name: 'data_file', type: dataFile, 'field-id': 2 },
    ],
  };
}

export const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    {
      name: 'partitions',
      type: optional({
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            { name: 'contains_nan', type: optional('boolean'), default: null, 'field-id': 518 },
            { name: 'lower_bound', type: optional('bytes'), default: null, 'field-id': 510 },
            { name: 'upper_bound', type: optional('bytes'), default: null, 'field-id': 511 },
          ],
        },
      }),
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 519 },
  ],
};

/** Field id -> name of MANIFEST_FILE_SCHEMA's fields (and of r508's). */
export const MANIFEST_FILE_NAMES = new Map<number, string>(
  MANIFEST_FILE_SCHEMA.fields.map((f) => [f['field-id'], f.name] as const),
);
