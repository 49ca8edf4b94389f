/**
 * The table schema from the contract: Iceberg field ids, required flags and types, and
 * the rules for writing a contract into an existing table (schema evolution).
 *
 *   Arrow (contracts/arrow-types.ts)    Iceberg
 *   Int8/16/32, Uint8/16                int
 *   Int64                               long
 *   Float32 / Float64                   float / double
 *   Utf8, LargeUtf8                     string
 *   Bool                                boolean
 *   Date32                              date
 *   Timestamp(us, UTC) / (us, none)     timestamptz / timestamp
 *   Decimal128(p, s)                    decimal(p,s)
 *   Binary, LargeBinary                 binary
 */
import * as arrow from 'apache-arrow';
import type { ContractObject } from '../../contracts/index.js';
import { describeType } from '../../contracts/arrow-types.js';
import { IcebergTargetError } from './errors.js';

export interface IcebergField {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc?: string;
}

export interface IcebergSchema {
  type: 'struct';
  'schema-id': number;
  fields: IcebergField[];
}

/** The Iceberg primitive type of an Arrow type the host writes; throws for any other. */
export function icebergType(t: arrow.DataType, column: string): string {
  if (arrow.DataType.isInt(t)) {
    if (t.bitWidth === 64 && t.isSigned) return 'long';
    if (t.bitWidth < 32 || (t.bitWidth === 32 && t.isSigned)) return 'int';
  } else if (arrow.DataType.isFloat(t)) {
    if (t.precision === arrow.Precision.DOUBLE) return 'double';
    if (t.precision === arrow.Precision.SINGLE) return 'float';
  } else if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t)) return 'string';
  else if (arrow.DataType.isBool(t)) return 'boolean';
  else if (arrow.DataType.isDate(t) && t.unit === arrow.DateUnit.DAY) return 'date';
  else if (arrow.DataType.isTimestamp(t) && t.unit === arrow.TimeUnit.MICROSECOND) return t.timezone ? 'timestamptz' : 'timestamp';
  else if (arrow.DataType.isDecimal(t) && t.bitWidth === 128) return `decimal(${t.precision},${t.scale})`;
  else if (arrow.DataType.isBinary(t) || arrow.DataType.isLargeBinary(t)) return 'binary';
  throw new IcebergTargetError('ICEBERG_NOT_SUPPORTED', `column ${column}: Arrow type ${describeType(t)} has no Iceberg type the target writes`, {
    details: { column, arrowType: describeType(t) },
  });
}

/** A new table's schema: ids 1..n in the contract's column order (as the catalog assigns them). */
export function newTableSchema(object: ContractObject): IcebergSchema {
  return {
    type: 'struct',
    'schema-id': 0,
    fields: object.arrowSchema.fields.map((f, i) => ({ id: i + 1, name: f.name, type: icebergType(f.type, f.name), required: !f.nullable })),
  };
}

/** The schema a run writes into an existing table: its own ids kept, new optional columns appended. */
export interface SchemaPlan {
  schema: IcebergSchema;
  /** Columns the contract adds (optional, new ids): the commit adds `schema` to the table. */
  added: string[];
}

/**
 * Plans the contract into the table's current schema, or throws ICEBERG_SCHEMA_INCOMPATIBLE.
 * Allowed: the same columns; new optional columns (ids after `lastColumnId`); a table
 * column the contract no longer names if it is optional (its values read as null).
 * Refused: a changed type, a new required column, a column required by one side only
 * where the data could hold nulls, a required table column the contract drops.
 */
export function planSchema(object: ContractObject, current: IcebergSchema, lastColumnId: number, table: string): SchemaPlan {
  const problems: string[] = [];
  const byName = new Map(current.fields.map((f) => [f.name, f]));
  const contract = new Map(object.arrowSchema.fields.map((f) => [f.name, f]));
  const fields = [...current.fields];
  const added: string[] = [];
  let nextId = lastColumnId;
  for (const f of object.arrowSchema.fields) {
    const type = icebergType(f.type, f.name);
    const existing = byName.get(f.name);
    if (!existing) {
      if (!f.nullable) problems.push(`column ${f.name} is new and required (only optional columns can be added)`);
      else {
        fields.push({ id: ++nextId, name: f.name, type, required: false });
        added.push(f.name);
      }
      continue;
    }
    if (existing.type !== type) problems.push(`column ${f.name} is ${existing.type} in the table, ${type} in the contract`);
    if (existing.required && f.nullable) problems.push(`column ${f.name} is required in the table, optional in the contract`);
  }
  for (const f of current.fields) {
    if (!contract.has(f.name) && f.required) problems.push(`required column ${f.name} is not in the contract`);
  }
  if (problems.length > 0) {
    throw new IcebergTargetError('ICEBERG_SCHEMA_INCOMPATIBLE', `table ${table}: the contract cannot be written into its schema: ${problems.join('; ')}`, {
      details: { table, problems },
    });
  }
  const schemaId = added.length === 0 ? current['schema-id'] : current['schema-id'] + 1;
  return { schema: { type: 'struct', 'schema-id': schemaId, fields }, added };
}

/** The Arrow schema Parquet is written with: each column carries its Iceberg field id. */
export function withFieldIds(schema: arrow.Schema, ids: IcebergSchema): arrow.Schema {
  const idOf = new Map(ids.fields.map((f) => [f.name, f.id]));
  return new arrow.Schema(
    schema.fields.map((f) => {
      const id = idOf.get(f.name);
      if (id === undefined) throw new IcebergTargetError('ICEBERG_SCHEMA_INCOMPATIBLE', `column ${f.name} is not in the table schema`, { details: { column: f.name } });
      // arrow-rs (inside parquet-wasm) writes this key as the Parquet field_id.
      return new arrow.Field(f.name, f.type, f.nullable, new Map([...f.metadata, ['PARQUET:field_id', String(id)]]));
    }),
    schema.metadata,
  );
}
