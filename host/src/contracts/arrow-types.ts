/**
 * ODCS logicalType/physicalType -> Arrow type. The choices, in one place:
 *
 *   string                       Utf8; Binary when physicalType is bytea/binary/varbinary/blob
 *   integer                      Int64; Int32 when physicalType is int/int32/int4/integer/smallint/
 *                                tinyint/int16/int2 or logicalTypeOptions.format is i8/i16/i32/u8/u16
 *   number                       Float64; Decimal128(p, s) when physicalType is decimal(p[,s]) or
 *                                numeric(p[,s]) with 1 <= p <= 38 and 0 <= s <= p (decimal.ts). A
 *                                decimal without a precision, or wider than 38, stays Float64
 *   boolean                      Bool
 *   date                         Date32 (days since epoch)
 *   date + physicalType          Timestamp(MICROSECOND, "UTC") when physicalType starts with
 *     timestamp/datetime         timestamp or datetime (timestamptz, timestamp_ntz, ...)
 *   object, array                Utf8 holding the value as JSON text; Struct / List when the
 *                                property has nested properties / items (nested-types.ts)
 *
 * When logicalType is absent it is inferred from physicalType (varchar -> string, bigint -> integer,
 * ...), and falls back to string.
 */
import * as arrow from 'apache-arrow';
import { decimalTypeFor } from './decimal.js';
import type { LogicalType } from './model.js';

const INT32_PHYSICAL = new Set(['int', 'int32', 'int4', 'integer', 'smallint', 'tinyint', 'int16', 'int2', 'short', 'byte']);
const INT32_FORMATS = new Set(['i8', 'i16', 'i32', 'u8', 'u16']);
const BINARY_PHYSICAL = new Set(['bytea', 'binary', 'varbinary', 'blob']);

/** The lowercase base name of a physical type: "DECIMAL(10, 2)" -> "decimal", "Timestamp_NTZ" -> "timestamp_ntz". */
export const physicalBase = (physicalType: string | undefined): string =>
  (physicalType ?? '').trim().toLowerCase().replace(/\s*\(.*$/, '');

export const isTimestampPhysical = (physicalType: string | undefined): boolean => /^(timestamp|datetime)/.test(physicalBase(physicalType));

/** The timestamp type of every timestamp column the host writes. */
export const TIMESTAMP_TYPE = new arrow.TimestampMicrosecond('UTC');

export function arrowTypeFor(logicalType: LogicalType, physicalType?: string, format?: string): arrow.DataType {
  switch (logicalType) {
    case 'string':
      return BINARY_PHYSICAL.has(physicalBase(physicalType)) ? new arrow.Binary() : new arrow.Utf8();
    case 'object':
    case 'array':
      return new arrow.Utf8();
    case 'integer':
      return INT32_PHYSICAL.has(physicalBase(physicalType)) || (format !== undefined && INT32_FORMATS.has(format))
        ? new arrow.Int32()
        : new arrow.Int64();
    case 'number':
      return decimalTypeFor(physicalType) ?? new arrow.Float64();
    case 'boolean':
      return new arrow.Bool();
    case 'date':
      return isTimestampPhysical(physicalType) ? new arrow.TimestampMicrosecond('UTC') : new arrow.DateDay();
  }
}

/** The logical type a physical type implies, for properties that give only physicalType. */
export function inferLogicalType(physicalType: string | undefined): LogicalType {
  const p = physicalBase(physicalType);
  if (/^(big|small|tiny)?int(eger)?\d*$|^long$|^short$|^byte$|^u?int\d+$/.test(p)) return 'integer';
  if (/^(double|float\d*|real|decimal|numeric|number)/.test(p)) return 'number';
  if (/^bool/.test(p)) return 'boolean';
  if (/^(date|timestamp|datetime)/.test(p)) return 'date';
  if (/^(json|jsonb|struct|record|map|variant|object)$/.test(p)) return 'object';
  if (/^(array|list)$/.test(p)) return 'array';
  return 'string';
}

/** A short, stable name for messages: "Int64", "Utf8", "Timestamp(MICROSECOND, UTC)", "Date32". */
export function describeType(t: arrow.DataType): string {
  if (arrow.DataType.isInt(t)) return `${t.isSigned ? 'Int' : 'Uint'}${t.bitWidth}`;
  if (arrow.DataType.isFloat(t)) return ['Float16', 'Float32', 'Float64'][t.precision] ?? 'Float';
  if (arrow.DataType.isTimestamp(t)) return `Timestamp(${arrow.TimeUnit[t.unit]}, ${t.timezone ?? 'no timezone'})`;
  if (arrow.DataType.isDate(t)) return t.unit === arrow.DateUnit.DAY ? 'Date32' : 'Date64';
  if (arrow.DataType.isDictionary(t)) return `Dictionary(${describeType(t.dictionary)})`;
  if (arrow.DataType.isDecimal(t)) return `Decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
  if (arrow.DataType.isBinary(t)) return 'Binary';
  if (arrow.DataType.isStruct(t)) return `Struct<${t.children.map((c) => `${c.name}: ${describeType(c.type)}`).join(', ')}>`;
  if (arrow.DataType.isList(t)) return `List<${describeType(t.children[0]!.type)}>`;
  return String(t);
}

/** Same physical layout and meaning (names, nullability and metadata aside). */
export function sameType(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (arrow.DataType.isInt(a) && arrow.DataType.isInt(b)) return a.bitWidth === b.bitWidth && a.isSigned === b.isSigned;
  if (arrow.DataType.isFloat(a) && arrow.DataType.isFloat(b)) return a.precision === b.precision;
  if (arrow.DataType.isTimestamp(a) && arrow.DataType.isTimestamp(b)) return a.unit === b.unit && a.timezone === b.timezone;
  if (arrow.DataType.isDate(a) && arrow.DataType.isDate(b)) return a.unit === b.unit;
  if (arrow.DataType.isDecimal(a) && arrow.DataType.isDecimal(b)) return a.precision === b.precision && a.scale === b.scale && a.bitWidth === b.bitWidth;
  // Struct: the same field names in the same order, each of the same type; List: the same item type.
  if (arrow.DataType.isStruct(a) && arrow.DataType.isStruct(b)) {
    return a.children.length === b.children.length && a.children.every((c, i) => c.name === b.children[i]!.name && sameType(c.type, b.children[i]!.type));
  }
  if (arrow.DataType.isList(a) && arrow.DataType.isList(b)) return sameType(a.children[0]!.type, b.children[0]!.type);
  return arrow.DataType.isUtf8(a) || arrow.DataType.isBinary(a) || arrow.DataType.isBool(a) || arrow.DataType.isNull(a);
}
