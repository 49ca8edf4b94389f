import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { exactIds } from './catalog.js';
import { manifestFileEntry, readManifestList, writeManifest, writeManifestList } from './manifests.js';
import type { PartitionSpec } from './partition-spec.js';
import type { IcebergSchema } from './schema.js';

const schema: IcebergSchema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'region', type: 'string', required: false },
    { id: 3, name: 'day', type: 'date', required: false },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 2, 'field-id': 1000, name: 'region', transform: 'identity' },
    { 'source-id': 3, 'field-id': 1001, name: 'day_day', transform: 'day' },
  ],
};
const files = [
  { path: 'file:///w/t/run_id=r/region=eu/day=1/part-00000.parquet', partition: { region: 'eu', day_day: 19000 }, records: 3, bytes: 100 },
  { path: 'file:///w/t/run_id=r/region=__HIVE_DEFAULT_PARTITION__/day=1/part-00000.parquet', partition: { region: null, day_day: 19000 }, records: 2, bytes: 90 },
];

/** Decodes an object container file: its header's schema and metadata, and its records. */
async function decode(bytes: Uint8Array) {
  let header: Record<string, unknown> = {};
  const records: Record<string, unknown>[] = [];
  const decoder = new avro.streams.BlockDecoder({ parseHook: ((s: Record<string, unknown>) => ((header = s), s)) as never });
  const meta = new Promise<Record<string, Buffer>>((r) => decoder.on('metadata', (_t: unknown, _c: unknown, h: { meta: Record<string, Buffer> }) => r(h.meta)));
  const done = new Promise((r) => decoder.on('end', r));
  decoder.on('data', (x: Record<string, unknown>) => records.push(x));
  decoder.end(Buffer.from(bytes));
  await done;
  return { header, meta: await meta, records };
}

describe('Iceberg manifests (Avro, spec v2)', () => {
  it('a manifest carries the field ids, the table schema and spec, and one ADDED entry per file', async () => {
    const { header, meta, records } = await decode(await writeManifest(files, 42, spec, schema));
    const fields = header.fields as { name: string; 'field-id': number; type: unknown }[];
    expect(fields.map((f) => [f.name, f['field-id']])).toEqual([['status', 0], ['snapshot_id', 1], ['sequence_number', 3], ['file_sequence_number', 4], ['data_file', 2]]);
    const dataFile = (fields[4]!.type as { fields: { name: string; 'field-id': number; type: { fields?: { 'field-id': number }[] } }[] }).fields;
    expect(dataFile.map((f) => f['field-id'])).toEqual([134, 100, 101, 102, 103, 104]);
    expect(dataFile[3]!.type.fields!.map((f) => f['field-id'])).toEqual([1000, 1001]);
    expect(meta['format-version']!.toString()).toBe('2');
    expect(JSON.parse(meta.schema!.toString())).toEqual(schema);
    expect(JSON.parse(meta['partition-spec']!.toString())).toEqual(spec.fields);
    expect(records.map((r) => [r.status, r.snapshot_id, r.sequence_number])).toEqual([[1, 42, null], [1, 42, null]]);
    expect(records.map((r) => (r.data_file as Record<string, unknown>).partition)).toEqual([{ region: 'eu', day_day: 19000 }, { region: null, day_day: 19000 }]);
    expect(records[0]!.data_file).toMatchObject({ content: 0, file_format: 'PARQUET', record_count: 3, file_size_in_bytes: 100 });
  });

  it('a manifest list round-trips, and reads by field id whatever the writer named the fields', async () => {
    const more = [...files, { ...files[0]!, partition: { region: 'au', day_day: 18000 } }, { ...files[0]!, partition: { region: 'zz', day_day: 19500 } }];
    const entry = manifestFileEntry({ path: 'file:///w/t/metadata/m0.avro', length: 1234, specId: 0, snapshotId: 42, sequenceNumber: 3, files: more, spec, schema });
    // Bounds in Iceberg's single-value form (UTF-8; int32 little-endian days): readers prune by them.
    const days = (n: number) => Buffer.from(new Int32Array([n]).buffer);
    expect(entry.partitions).toEqual([
      { contains_null: true, contains_nan: null, lower_bound: Buffer.from('au'), upper_bound: Buffer.from('zz') },
      { contains_null: false, contains_nan: null, lower_bound: days(18000), upper_bound: days(19500) },
    ]);
    expect(entry).toMatchObject({ added_files_count: 4, added_rows_count: 11 });
    const old = { ...entry, manifest_path: 'file:///w/t/metadata/old.avro', sequence_number: 1, min_sequence_number: 1, added_snapshot_id: 7 };
    const bytes = await writeManifestList([old, entry], { id: 42, parentId: 7, sequenceNumber: 3 });
    expect(await readManifestList(bytes, 'test')).toEqual([old, entry]);
    const { meta } = await decode(bytes);
    expect([meta['snapshot-id']!.toString(), meta['parent-snapshot-id']!.toString(), meta['sequence-number']!.toString()]).toEqual(['42', '7', '3']);

    // Another writer's names (Java's v1 added_data_files_count), no content or sequence numbers: matched by id, v1 defaults.
    const foreign = {
      type: 'record',
      name: 'manifest_file',
      fields: [
        { name: 'manifest_path', type: 'string', 'field-id': 500 },
        { name: 'manifest_length', type: 'long', 'field-id': 501 },
        { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
        { name: 'added_snapshot_id', type: ['null', 'long'], 'field-id': 503 },
        { name: 'added_data_files_count', type: ['null', 'int'], 'field-id': 504 },
        { name: 'not_in_the_spec', type: 'string', 'field-id': 9999 },
      ],
    };
    const encoder = new avro.streams.BlockEncoder(foreign as never);
    const chunks: Buffer[] = [];
    encoder.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((r) => encoder.on('end', r));
    encoder.end({ manifest_path: 'file:///w/t/metadata/java.avro', manifest_length: 10, partition_spec_id: 0, added_snapshot_id: 5, added_data_files_count: 2, not_in_the_spec: 'x' });
    await ended;
    const [read] = await readManifestList(Buffer.concat(chunks), 'java');
    expect(read).toMatchObject({ manifest_path: 'file:///w/t/metadata/java.avro', manifest_length: 10, added_snapshot_id: 5, added_files_count: 2, content: 0, sequence_number: 0, min_sequence_number: 0 });
  });

  it('carries 63-bit snapshot ids of other engines exactly (as bigint) through a manifest list', async () => {
    const entry = manifestFileEntry({ path: 'file:///w/t/metadata/m0.avro', length: 10, specId: 0, snapshotId: 42, sequenceNumber: 3, files, spec, schema });
    const foreign = { ...entry, added_snapshot_id: 7118413077099375623n };
    const [read] = await readManifestList(await writeManifestList([foreign], { id: 42, parentId: null, sequenceNumber: 3 }), 'x');
    expect(read!.added_snapshot_id).toBe(7118413077099375623n);
    expect(read!.manifest_length).toBe(10);
  });

  it('exact ids in the catalog JSON: beyond 2^53 a string in answers, a number again in requests', () => {
    const answer = '{"current-snapshot-id":7118413077099375623,"snapshots":[{"snapshot-id":7118413077099375623,"parent-snapshot-id":12}],"refs":{"main":{"snapshot-id":7118413077099375623}}}';
    const parsed = JSON.parse(exactIds(answer, 'in'));
    expect(parsed['current-snapshot-id']).toBe('7118413077099375623');
    expect(parsed.snapshots[0]).toEqual({ 'snapshot-id': '7118413077099375623', 'parent-snapshot-id': 12 });
    const request = JSON.stringify({ requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parsed.refs.main['snapshot-id'] }], summary: { 'dativo.run-id': 'x' } });
    expect(exactIds(request, 'out')).toBe('{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":7118413077099375623}],"summary":{"dativo.run-id":"x"}}');
  });

  it('refuses bytes that are not a manifest list', async () => {
    await expect(readManifestList(Buffer.from('not avro'), 'x')).rejects.toMatchObject({ code: 'ICEBERG_METADATA_INVALID' });
  });
});
