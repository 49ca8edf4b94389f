/**
 * One stream's append snapshot: the manifest of its data files, the manifest list (the
 * parent's manifests plus the new one), then one catalog commit that asserts the branch
 * still points at the parent (optimistic concurrency). On 409 (another writer committed
 * first) or an unknown outcome, the table is reloaded and the snapshot rebuilt on the new
 * parent; a run whose snapshot is already in the table (its summary names the run) is not
 * committed twice, which makes this safe to call again from recover().
 */
import { randomInt } from 'node:crypto';
import type { TableMetadata, TableRequirement, TableUpdate } from 'iceberg-js';
import { crashPoint } from '../../files/crash-point.js';
import type { TargetStore } from '../store.js';
import type { CommittedFile } from '../target.js';
import { tableName, type Catalog, type TableRef } from './catalog.js';
import { IcebergTargetError } from './errors.js';
import { manifestFileEntry, readManifestList, writeManifest, writeManifestList, type AddedDataFile } from './manifests.js';
import { partitionOf, sameSpec, type PartitionSpec } from './partition-spec.js';
import type { IcebergField, IcebergSchema } from './schema.js';
import { keyOf, type Warehouse } from './warehouse.js';

/** What a run decided for a stream when it opened it (written before its commit point). */
export interface StreamTablePlan {
  stream: string;
  table: TableRef;
  /** The schema the stream's Parquet files were written with (their field ids). */
  schema: IcebergSchema;
  spec: PartitionSpec;
  /** Table location when the run creates the table. */
  location: string;
  contract: { id: string; version: string };
}

export interface SnapshotContext {
  catalog: Catalog;
  store: TargetStore;
  warehouse: Warehouse;
  runId: string;
  /** `<tenant>/<job>`, in the snapshot summary next to the run id. */
  job: string;
  retries: number;
}

export const SUMMARY_RUN_ID = 'dativo.run-id';

/** Commits the stream's files as one append snapshot; 'already' when the run's snapshot had landed. */
export async function commitSnapshot(ctx: SnapshotContext, plan: StreamTablePlan, files: CommittedFile[]): Promise<'committed' | 'already'> {
  const name = tableName(plan.table);
  for (let attempt = 0; ; attempt++) {
    const meta = await loadOrCreate(ctx.catalog, plan);
    checkSafeIds(meta, name);
    if (landed(meta, ctx)) return 'already';
    const { schemaId, requirements, updates } = reconcileSchema(plan.schema, meta, name);
    const spec = meta['partition-specs'].find((s) => s['spec-id'] === (meta['default-spec-id'] ?? 0));
    if (!spec || !sameSpec(spec as PartitionSpec, remapSpec(plan.spec, plan.schema, meta))) {
      throw new IcebergTargetError('ICEBERG_PARTITION_MISMATCH', `table ${name}: its partition spec ${JSON.stringify(spec?.fields ?? [])} is not the job's target.partitioning ${JSON.stringify(plan.spec.fields)}`, {
        details: { table: name },
      });
    }
    const parent = currentSnapshotId(meta);
    const sequenceNumber = (meta['last-sequence-number'] ?? 0) + 1;
    const snapshotId = randomInt(1, 2 ** 47) * 64 + randomInt(0, 64); // positive, exact in a JS number
    const added: AddedDataFile[] = files.map((f) => ({ path: `${ctx.warehouse.root}/${f.path}`, partition: partitionOf(f.path, plan.spec, plan.schema), records: f.rows, bytes: f.bytes }));
    const folder = `${plan.stream}/metadata`;
    const manifestKey = `${folder}/${ctx.runId}-${snapshotId}-m0.avro`;
    const manifest = await writeManifest(added, snapshotId, { ...plan.spec, 'spec-id': spec['spec-id'] ?? 0 }, plan.schema);
    await writeObject(ctx.store, manifestKey, manifest);
    const entries = parent === null ? [] : await parentManifests(ctx, meta, parent, name);
    entries.push(manifestFileEntry({ path: `${ctx.warehouse.root}/${manifestKey}`, length: manifest.byteLength, specId: spec['spec-id'] ?? 0, snapshotId, sequenceNumber, files: added, spec: plan.spec, schema: plan.schema }));
    const listKey = `${folder}/snap-${snapshotId}-${ctx.runId}.avro`;
    await writeObject(ctx.store, listKey, await writeManifestList(entries, { id: snapshotId, parentId: parent, sequenceNumber }));
    crashPoint('after-manifests');
    const summary: Record<string, string> = {
      operation: 'append',
      'added-data-files': String(added.length),
      'added-records': String(added.reduce((n, f) => n + f.records, 0)),
      'added-files-size': String(added.reduce((n, f) => n + f.bytes, 0)),
      [SUMMARY_RUN_ID]: ctx.runId,
      'dativo.job': ctx.job,
      'dativo.contract-id': plan.contract.id,
      'dativo.contract-version': plan.contract.version,
    };
    const snapshot = {
      'snapshot-id': snapshotId,
      ...(parent === null ? {} : { 'parent-snapshot-id': parent }),
      'sequence-number': sequenceNumber,
      'timestamp-ms': Date.now(),
      'manifest-list': `${ctx.warehouse.root}/${listKey}`,
      summary: summary as { operation: 'append' },
      'schema-id': schemaId,
    };
    const result = await ctx.catalog.commit(
      plan.table,
      [{ type: 'assert-table-uuid', uuid: meta['table-uuid'] }, { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent }, ...requirements],
      [...updates, { action: 'add-snapshot', snapshot }, { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId }],
    );
    if (typeof result === 'object') return 'committed';
    if (attempt >= ctx.retries) {
      throw new IcebergTargetError('ICEBERG_COMMIT_CONFLICT', `table ${name}: the commit failed ${attempt + 1} times (${result}: other writers kept changing the table)`, {
        retryable: true,
        details: { table: name, attempts: attempt + 1 },
      });
    }
    await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

async function loadOrCreate(catalog: Catalog, plan: StreamTablePlan): Promise<TableMetadata> {
  const found = await catalog.load(plan.table);
  if (found) return found;
  await catalog.ensureNamespace();
  const created = await catalog.create(plan.table, {
    name: plan.table.name,
    location: plan.location,
    schema: { type: 'struct', fields: plan.schema.fields },
    'partition-spec': { 'spec-id': 0, fields: plan.spec.fields },
    properties: { 'format-version': '2' },
  });
  const meta = created ?? (await catalog.load(plan.table));
  if (!meta) throw new IcebergTargetError('ICEBERG_CATALOG_REFUSED', `table ${tableName(plan.table)} was neither created nor found`);
  return meta;
}

function landed(meta: TableMetadata, ctx: SnapshotContext): boolean {
  return (meta.snapshots ?? []).some((s) => s.summary?.[SUMMARY_RUN_ID] === ctx.runId && s.summary?.['dativo.job'] === ctx.job);
}

/** The branch's snapshot: a number, or (beyond 2^53, catalog.ts exactFetch) a string of digits. */
const currentSnapshotId = (meta: TableMetadata): number | null => {
  const id = meta.refs?.main?.['snapshot-id'] ?? meta['current-snapshot-id'];
  return id === undefined || id === null || id === -1 ? null : id;
};

/** Every snapshot id is a safe integer or a string of digits (an exact big one); else the metadata was rounded somewhere. */
function checkSafeIds(meta: TableMetadata, name: string): void {
  const ids = [meta['current-snapshot-id'], ...(meta.snapshots ?? []).flatMap((s) => [s['snapshot-id'], s['parent-snapshot-id']]), ...Object.values(meta.refs ?? {}).map((r) => r['snapshot-id'])];
  const exact = (id: unknown) => id === undefined || id === null || Number.isSafeInteger(id) || (typeof id === 'string' && /^-?\d+$/.test(id));
  if (!ids.every(exact)) {
    throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `table ${name} has snapshot ids that are not exact integers`, { details: { table: name } });
  }
}

async function parentManifests(ctx: SnapshotContext, meta: TableMetadata, parent: number, name: string) {
  const snap = (meta.snapshots ?? []).find((s) => s['snapshot-id'] === parent);
  const key = snap && keyOf(ctx.warehouse, snap['manifest-list']);
  if (!snap || !key) {
    throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `table ${name}: the manifest list of snapshot ${parent} (${snap?.['manifest-list'] ?? 'missing'}) is not under the warehouse ${ctx.warehouse.root}`, {
      details: { table: name },
    });
  }
  return readManifestList(await ctx.warehouse.readBytes(key), snap['manifest-list']);
}

async function writeObject(store: TargetStore, key: string, bytes: Uint8Array): Promise<void> {
  const w = await store.create(key);
  await w.write(bytes);
  await w.close();
}

/**
 * The schema the files were written with, against the table's current one: the same
 * ids for the same names and types, or new optional columns to add (add-schema), or
 * ICEBERG_SCHEMA_INCOMPATIBLE (another writer changed the table meanwhile).
 */
export function reconcileSchema(written: IcebergSchema, meta: TableMetadata, name: string): { schemaId: number; requirements: TableRequirement[]; updates: TableUpdate[] } {
  const current = meta.schemas.find((s) => s['schema-id'] === meta['current-schema-id']);
  if (!current) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `table ${name}: no current schema`);
  const byId = new Map(current.fields.map((f) => [f.id, f]));
  const lastId = meta['last-column-id'] ?? Math.max(0, ...current.fields.map((f) => f.id));
  const problems: string[] = [];
  const added: IcebergField[] = [];
  for (const f of written.fields) {
    const t = byId.get(f.id);
    if (t) {
      if (t.name !== f.name || t.type !== f.type) problems.push(`field id ${f.id} is ${t.name} ${String(t.type)} in the table, ${f.name} ${f.type} in the files`);
      else if (t.required && !f.required) problems.push(`column ${f.name} is required in the table, optional in the files`);
    } else if (f.id > lastId && !f.required && !current.fields.some((c) => c.name === f.name)) added.push(f);
    else problems.push(`column ${f.name} (field id ${f.id}) is not in the table's current schema`);
  }
  for (const t of current.fields) if (t.required && !written.fields.some((f) => f.id === t.id)) problems.push(`required column ${t.name} is not in the files`);
  if (problems.length > 0) {
    throw new IcebergTargetError('ICEBERG_SCHEMA_INCOMPATIBLE', `table ${name}: the run's files do not fit its schema: ${problems.join('; ')}`, { details: { table: name, problems } });
  }
  const currentId = current['schema-id'] ?? 0;
  if (added.length === 0) return { schemaId: currentId, requirements: [], updates: [] };
  const schemaId = 1 + Math.max(...meta.schemas.map((s) => s['schema-id'] ?? 0));
  const fields = [...current.fields, ...added];
  return {
    schemaId,
    requirements: [
      { type: 'assert-current-schema-id', 'current-schema-id': currentId },
      { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': lastId },
    ],
    updates: [
      { action: 'add-schema', schema: { type: 'struct', 'schema-id': schemaId, fields }, 'last-column-id': Math.max(lastId, ...added.map((f) => f.id)) },
      { action: 'set-current-schema', 'schema-id': -1 },
    ],
  };
}

/** The job's spec with source ids as the table numbers the columns (the same names). */
function remapSpec(spec: PartitionSpec, written: IcebergSchema, meta: TableMetadata): PartitionSpec {
  const current = meta.schemas.find((s) => s['schema-id'] === meta['current-schema-id']);
  return {
    ...spec,
    fields: spec.fields.map((f) => {
      const column = written.fields.find((c) => c.id === f['source-id'])?.name;
      const id = current?.fields.find((c) => c.name === column)?.id ?? f['source-id'];
      return { ...f, 'source-id': id };
    }),
  };
}
