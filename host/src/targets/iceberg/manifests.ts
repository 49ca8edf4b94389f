/**
 * Writing and reading the Avro files of a snapshot: a manifest (the data files one
 * snapshot adds) and a manifest list (every manifest of the snapshot: the parent's, as
 * read back, plus the new one). Object container files, uncompressed.
 */
import avro from 'avsc';
import { IcebergTargetError } from './errors.js';
import { MANIFEST_FILE_NAMES, MANIFEST_FILE_SCHEMA, manifestEntrySchema } from './avro-schemas.js';
import { partitionResultType, type PartitionSpec } from './partition-spec.js';
import type { IcebergSchema } from './schema.js';

export interface AddedDataFile {
  path: string;
  partition: Record<string, unknown>;
  records: number;
  bytes: number;
}

/** One entry of a manifest list, with the spec's field names. */
export interface ManifestFileEntry {
  manifest_path: string;
  manifest_length: number;
  partition_spec_id: number;
  content: number;
  sequence_number: number;
  min_sequence_number: number;
  /** A bigint when beyond 2^53 (another engine's snapshot). */
  added_snapshot_id: number | bigint;
  added_files_count: number;
  existing_files_count: number;
  deleted_files_count: number;
  added_rows_count: number;
  existing_rows_count: number;
  deleted_rows_count: number;
  partitions: { contains_null: boolean; contains_nan: boolean | null; lower_bound: Buffer | null; upper_bound: Buffer | null }[] | null;
  key_metadata: Buffer | null;
}

/**
 * Avro longs as exact integers: snapshot ids of other engines use all 63 bits, past a JS
 * number's 2^53 (avsc's own long refuses them). Read as bigint, written from either.
 */
const LONG = (avro.types.LongType as unknown as { __with(m: object): avro.Type }).__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isSafeInteger(n),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});
const typeOf = (schema: Record<string, unknown>) => avro.Type.forSchema(schema as avro.Schema, { registry: { long: LONG } } as never);

/** A bigint read back as a number when exact (counts, lengths), else kept (63-bit ids). */
const exact = (v: unknown): unknown => (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/** An object container file of `records`, with `schema` (field ids included) in its header. */
async function containerFile(schema: Record<string, unknown>, records: unknown[], metadata: Record<string, string>): Promise<Uint8Array> {
  const meta = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)]));
  const encoder = new avro.streams.BlockEncoder(typeOf(schema), { metadata: meta, codec: 'null' } as never);
  // The header is written at the first record from `_schema` when set: the schema as given,
  // field ids kept (a Type's own export drops them).
  (encoder as unknown as { _schema: unknown })._schema = schema;
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (c: Buffer) => chunks.push(c));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

/** The manifest of the data files a snapshot adds (status ADDED, sequence numbers inherited). */
export function writeManifest(files: AddedDataFile[], snapshotId: number, spec: PartitionSpec, schema: IcebergSchema): Promise<Uint8Array> {
  const entries = files.map((f) => ({
    status: 1,
    snapshot_id: snapshotId,
    sequence_number: null,
    file_sequence_number: null,
    data_file: { content: 0, file_path: f.path, file_format: 'PARQUET', partition: f.partition, record_count: f.records, file_size_in_bytes: f.bytes },
  }));
  return containerFile(manifestEntrySchema(spec, schema), entries, {
    schema: JSON.stringify(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': '2',
    content: 'data',
  });
}

export function writeManifestList(entries: ManifestFileEntry[], snapshot: { id: number; parentId: number | null; sequenceNumber: number }): Promise<Uint8Array> {
  return containerFile(MANIFEST_FILE_SCHEMA, entries, {
    'snapshot-id': String(snapshot.id),
    'parent-snapshot-id': snapshot.parentId === null ? 'null' : String(snapshot.parentId),
    'sequence-number': String(snapshot.sequenceNumber),
    'format-version': '2',
  });
}

/** Iceberg's single-value binary form of a partition value (the bounds of a field summary). */
function singleValue(type: string, v: unknown): Buffer {
  switch (type) {
    case 'int':
    case 'date': {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v as number);
      return b;
    }
    case 'long': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v as number));
      return b;
    }
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatLE(v as number);
      return b;
    }
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v as number);
      return b;
    }
    case 'boolean':
      return Buffer.from([v ? 1 : 0]);
    default:
      return Buffer.from(String(v), 'utf8');
  }
}

/**
 * Per partition field: whether a file has a null, and the lowest and highest value. Readers
 * prune manifests by these (pyiceberg reads absent bounds as "no value but nulls").
 */
function fieldSummaries(files: AddedDataFile[], spec: PartitionSpec, schema: IcebergSchema): NonNullable<ManifestFileEntry['partitions']> {
  return spec.fields.map((f) => {
    const type = partitionResultType(f, schema);
    const values = files.map((x) => x.partition[f.name]).filter((v) => v !== null && v !== undefined);
    const nan = (type === 'double' || type === 'float') && values.some((v) => Number.isNaN(v));
    const ordered = values.filter((v) => !Number.isNaN(v)).map((v) => ({ v, key: type === 'string' ? Buffer.from(String(v), 'utf8') : undefined }));
    ordered.sort((a, b) => (a.key && b.key ? Buffer.compare(a.key, b.key) : (a.v as number) - (b.v as number)));
    return {
      contains_null: files.length > values.length,
      contains_nan: type === 'double' || type === 'float' ? nan : null,
      lower_bound: ordered.length ? singleValue(type, ordered[0]!.v) : null,
      upper_bound: ordered.length ? singleValue(type, ordered[ordered.length - 1]!.v) : null,
    };
  });
}

/** The manifest list entry of a manifest this host wrote. */
export function manifestFileEntry(m: { path: string; length: number; specId: number; snapshotId: number; sequenceNumber: number; files: AddedDataFile[]; spec: PartitionSpec; schema: IcebergSchema }): ManifestFileEntry {
  return {
    manifest_path: m.path,
    manifest_length: m.length,
    partition_spec_id: m.specId,
    content: 0,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.sequenceNumber,
    added_snapshot_id: m.snapshotId,
    added_files_count: m.files.length,
    existing_files_count: 0,
    deleted_files_count: 0,
    added_rows_count: m.files.reduce((n, f) => n + f.records, 0),
    existing_rows_count: 0,
    deleted_rows_count: 0,
    partitions: fieldSummaries(m.files, m.spec, m.schema),
    key_metadata: null,
  };
}

/**
 * A manifest list's entries, whoever wrote it (Java, pyiceberg, this host): fields are
 * matched by field id, and v1 lists (no content or sequence numbers) read as v2 does.
 */
export async function readManifestList(bytes: Uint8Array, where: string): Promise<ManifestFileEntry[]> {
  const invalid = (why: string): never => {
    throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `manifest list ${where}: ${why}`, { details: { manifestList: where } });
  };
  let names = new Map<string, string>(); // writer's field name -> ours
  const decoder = new avro.streams.BlockDecoder({
    // Typed as returning a Type; avsc hands the result to Type.forSchema, so a schema is fine.
    parseHook: ((schema: { fields?: { name: string; 'field-id'?: number }[] }) => {
      names = new Map((schema.fields ?? []).flatMap((f) => {
        const ours = f['field-id'] === undefined ? undefined : MANIFEST_FILE_NAMES.get(f['field-id']);
        return ours ? [[f.name, ours] as const] : [];
      }));
      return typeOf(schema as Record<string, unknown>);
    }) as never,
  });
  const records: Record<string, unknown>[] = [];
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', (r: Record<string, unknown>) => records.push(r));
    decoder.on('end', resolve);
    decoder.on('error', reject);
  });
  decoder.end(Buffer.from(bytes));
  await done.catch((e: Error) => invalid(e.message));
  return records.map((r) => {
    const v: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(r)) {
      const ours = names.get(name);
      if (ours) v[ours] = exact(value);
    }
    if (typeof v.manifest_path !== 'string') invalid('an entry has no manifest_path (field 500)');
    if (!Number.isSafeInteger(v.manifest_length)) invalid(`manifest_length of ${String(v.manifest_path)} is not an integer`);
    const seq = (v.sequence_number as number | undefined) ?? 0;
    return {
      manifest_path: v.manifest_path as string,
      manifest_length: v.manifest_length as number,
      partition_spec_id: (v.partition_spec_id as number | undefined) ?? 0,
      content: (v.content as number | undefined) ?? 0,
      sequence_number: seq,
      min_sequence_number: (v.min_sequence_number as number | undefined) ?? seq,
      added_snapshot_id: v.added_snapshot_id as number | bigint,
      added_files_count: (v.added_files_count as number | undefined) ?? 0,
      existing_files_count: (v.existing_files_count as number | undefined) ?? 0,
      deleted_files_count: (v.deleted_files_count as number | undefined) ?? 0,
      added_rows_count: (v.added_rows_count as number | undefined) ?? 0,
      existing_rows_count: (v.existing_rows_count as number | undefined) ?? 0,
      deleted_rows_count: (v.deleted_rows_count as number | undefined) ?? 0,
      partitions: (v.partitions as ManifestFileEntry['partitions'] | undefined) ?? null,
      key_metadata: (v.key_metadata as Buffer | undefined) ?? null,
    };
  });
}
