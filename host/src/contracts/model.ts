import type * as arrow from 'apache-arrow';
import type { ObjectRules } from './rules/model.js';

/** The logical types of ODCS v3.0.2 (schema/properties/logicalType). */
export type LogicalType = 'string' | 'date' | 'number' | 'integer' | 'object' | 'array' | 'boolean';

/** One ODCS property of an object, resolved to the Arrow type the host writes. */
export interface ContractField {
  name: string;
  /** The ODCS logicalType, or the one inferred from physicalType when the contract leaves it out. */
  logicalType: LogicalType;
  /** The contract gives neither logicalType nor physicalType (string until a source types it: engines/open-types.ts). */
  typeOpen?: true;
  physicalType?: string;
  /** ODCS `required`, or implied by `primaryKey`. The Arrow field is nullable exactly when this is false. */
  required: boolean;
  primaryKey: boolean;
  classification?: string;
  tags: string[];
  arrowType: arrow.DataType;
}

/** One ODCS schema object (a table, a stream), ready for the pipeline. */
export interface ContractObject {
  name: string;
  /** In the contract's order; the Arrow schema has the same order. */
  fields: ContractField[];
  /** Field names, ordered by primaryKeyPosition (then contract order). */
  primaryKey: string[];
  /** Fields in contract order; schema metadata = parquetMetadata. */
  arrowSchema: arrow.Schema;
  /** JSON Schema (2020-12) of one record, handed to reader plugins. */
  jsonSchema: Record<string, unknown>;
  /**
   * Key-value metadata for the Parquet footer: "dativo.contract" (id, version, object),
   * "dativo.classification" (field -> classification), "dativo.tags" (object and field tags),
   * "dativo.primary_key" (JSON array).
   */
  parquetMetadata: Record<string, string>;
  /** Data quality rules of the object and its properties (rules/), compiled at load. */
  rules: ObjectRules;
}

export interface DataContract {
  /** The file it was loaded from. */
  file: string;
  id: string;
  version: string;
  name?: string;
  objects: ContractObject[];
}
