/**
 * ODCS object properties with nested `properties` -> Arrow Struct, array properties with `items`
 * -> Arrow List, recursively, each nested property typed by arrowTypeFor's rules. An object or
 * array without a nested definition stays Utf8 JSON text (arrow-types.ts).
 *
 * Every nested field (and list item) is nullable: the contract's `required` and its quality
 * rules are enforced on top-level columns only.
 */
import * as arrow from 'apache-arrow';
import { arrowTypeFor, inferLogicalType } from './arrow-types.js';
import type { LogicalType } from './model.js';

/** The parts of an ODCS property (or array `items`) that type it. */
export interface OdcsTyped {
  logicalType?: LogicalType;
  logicalTypeOptions?: Record<string, unknown>;
  physicalType?: string;
  /** logicalType object: its nested properties. */
  properties?: (OdcsTyped & { name: string })[];
  /** logicalType array: its item definition. */
  items?: OdcsTyped;
}

/** Name of a list's item field (arrow-rs and Parquet's LIST convention). */
export const LIST_ITEM = 'item';

export const logicalTypeOf = (p: OdcsTyped): LogicalType => p.logicalType ?? inferLogicalType(p.physicalType);

export const formatOf = (p: OdcsTyped): string | undefined =>
  typeof p.logicalTypeOptions?.format === 'string' ? p.logicalTypeOptions.format : undefined;

/** The Struct or List type of a property with a nested definition, else undefined. */
export function nestedArrowType(p: OdcsTyped): arrow.Struct | arrow.List | undefined {
  const logical = logicalTypeOf(p);
  if (logical === 'object' && p.properties !== undefined && p.properties.length > 0) {
    return new arrow.Struct(p.properties.map((c) => new arrow.Field(c.name, typeOf(c), true)));
  }
  if (logical === 'array' && p.items !== undefined) return new arrow.List(new arrow.Field(LIST_ITEM, typeOf(p.items), true));
  return undefined;
}

/** The Arrow type of any property, nested or not. */
export const typeOf = (p: OdcsTyped): arrow.DataType =>
  nestedArrowType(p) ?? arrowTypeFor(logicalTypeOf(p), p.physicalType, formatOf(p));
