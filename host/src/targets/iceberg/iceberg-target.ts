/**
 * target.catalog: the commit protocol of every target (commit-protocol.ts) on the
 * warehouse folder or S3 prefix, with one more step where its files become visible: each
 * stream's files become one Iceberg append snapshot, committed through the REST catalog
 * (snapshot-commit.ts), after they are in place and before the state checkpoint.
 *
 *   <stream>/run_id=<run>/...parquet          data files (the table's location is <root>/<stream>)
 *   <stream>/metadata/<run>-<id>-m0.avro      the manifest of a snapshot
 *   <stream>/metadata/snap-<id>-<run>.avro    its manifest list
 *   _dativo/staging/<tenant>+<job>+<run>/_iceberg/<stream>.json   what the run planned per table
 *
 * Iceberg readers see a run's rows only through the catalog commit. A run killed before
 * its commit manifest leaves staged files that the next run removes; one killed after it
 * is finished by recover(), which commits the snapshots that have not landed (a snapshot
 * whose summary carries the run id has) and then saves the state.
 */
import type * as arrow from 'apache-arrow';
import type { ContractObject } from '../../contracts/index.js';
import { HostError } from '../../errors/index.js';
import { crashPoint } from '../../files/crash-point.js';
import { CommittedTarget } from '../commit-protocol.js';
import type { TargetStore } from '../store.js';
import type { CommitRecord, RunScope } from '../target.js';
import { Catalog, tableName, type CatalogSettings, type TableRef } from './catalog.js';
import { IcebergTargetError } from './errors.js';
import { partitionSpecFor, sameSpec, type JobPartitioning, type PartitionSpec } from './partition-spec.js';
import { newTableSchema, planSchema, withFieldIds, type IcebergSchema } from './schema.js';
import { commitSnapshot, type StreamTablePlan } from './snapshot-commit.js';
import { parseTablePlan } from './table-plan.js';
import type { Warehouse } from './warehouse.js';

export interface IcebergTargetOptions {
  store: TargetStore;
  warehouse: Warehouse;
  /** Resolves the catalog settings (its credentials come from the job's secret manager). */
  settings: () => Promise<CatalogSettings>;
  /** Stream -> table name (default: the stream's name). */
  tables: Record<string, string>;
  partitioning: JobPartitioning;
  /** Catalog commits retried after a conflict (409). */
  commitRetries: number;
}

export class IcebergTarget extends CommittedTarget {
  override readonly description: string;
  #catalog: Promise<Catalog> | undefined;

  constructor(readonly opts: IcebergTargetOptions) {
    super(opts.store);
    this.description = `Iceberg tables in ${opts.warehouse.root}`;
  }

  catalog(): Promise<Catalog> {
    this.#catalog ??= this.opts.settings().then((s) => Catalog.connect(s));
    this.#catalog.catch(() => (this.#catalog = undefined));
    return this.#catalog;
  }

  override async check(): Promise<void> {
    await super.check();
    await this.catalog();
  }

  async tableOf(stream: string): Promise<TableRef> {
    return { namespace: (await this.catalog()).settings.namespace, name: this.opts.tables[stream] ?? stream };
  }

  /**
   * Called when a run opens a stream, before any row is read: checks the contract
   * against the table (ICEBERG_SCHEMA_INCOMPATIBLE, ICEBERG_PARTITION_MISMATCH), records
   * the plan in the run's staging folder, and returns the schema the Parquet files are
   * written with (each column with its field id).
   */
  async prepareStream(scope: RunScope, runId: string, stream: string, object: ContractObject): Promise<arrow.Schema> {
    const catalog = await this.catalog();
    const table = await this.tableOf(stream);
    const meta = await catalog.load(table);
    let schema: IcebergSchema;
    let spec: PartitionSpec;
    if (!meta) {
      schema = newTableSchema(object);
      spec = partitionSpecFor(this.opts.partitioning, schema);
    } else {
      const current = meta.schemas.find((s) => s['schema-id'] === meta['current-schema-id']) as IcebergSchema | undefined;
      if (!current) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `table ${tableName(table)}: no current schema`);
      schema = planSchema(object, { ...current, 'schema-id': current['schema-id'] ?? 0 }, meta['last-column-id'] ?? 0, tableName(table)).schema;
      spec = partitionSpecFor(this.opts.partitioning, schema);
      const tableSpec = meta['partition-specs'].find((s) => s['spec-id'] === (meta['default-spec-id'] ?? 0));
      if (!tableSpec || !sameSpec(tableSpec as PartitionSpec, spec)) {
        throw new IcebergTargetError('ICEBERG_PARTITION_MISMATCH', `table ${tableName(table)}: its partition spec ${JSON.stringify(tableSpec?.fields ?? [])} is not the job's target.partitioning (${this.opts.partitioning.transforms.map((t) => (t.transform === 'day' ? `day(${t.column})` : t.column)).join(', ') || 'none'})`, {
          details: { table: tableName(table) },
        });
      }
    }
    const contract = JSON.parse(object.parquetMetadata['dativo.contract'] ?? '{}') as { id?: string; version?: string };
    const plan: StreamTablePlan = { stream, table, schema, spec, location: `${this.opts.warehouse.root}/${stream}`, contract: { id: contract.id ?? '', version: contract.version ?? '' } };
    await this.store.write(`${this.stagingFolder(scope, runId)}/_iceberg/${stream}.json`, JSON.stringify(plan));
    return withFieldIds(object.arrowSchema, schema);
  }

  /** The commit protocol's publish step: one snapshot per stream that has files. */
  protected override async publish(record: CommitRecord): Promise<void> {
    const catalog = await this.catalog();
    const folder = this.stagingFolder(record, record.runId);
    for (const stream of new Set(record.files.map((f) => f.stream))) {
      const key = `${folder}/_iceberg/${stream}.json`;
      const text = (await this.store.read(key))?.text;
      if (text === undefined) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `run ${record.runId}: the table plan of stream ${stream} is missing from ${folder}`);
      const plan = parseTablePlan(text, `${this.description}/${key}`, stream);
      const ctx = { catalog, store: this.store, warehouse: this.opts.warehouse, runId: record.runId, job: `${record.tenant}/${record.job}`, retries: this.opts.commitRetries };
      try {
        await commitSnapshot(ctx, plan, record.files.filter((f) => f.stream === stream));
      } catch (e) {
        if (e instanceof HostError) e.message += ` (run ${record.runId} is past its commit point: the next run of the job commits it first)`;
        throw e;
      }
    }
    crashPoint('after-catalog-commit');
  }
}
