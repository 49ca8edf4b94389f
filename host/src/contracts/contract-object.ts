/** Turns one ODCS schema object (already valid against the official schema) into a ContractObject. */
import * as arrow from 'apache-arrow';
import { isTimestampPhysical } from './arrow-types.js';
import type { ContractField, ContractObject, LogicalType } from './model.js';
import { logicalTypeOf, typeOf, type OdcsTyped } from './nested-types.js';
import { compileRules } from './rules/compile.js';
import type { RuleProblem } from './rules/field-options.js';

/** The parts of an ODCS property the host reads. */
export interface OdcsProperty {
  name: string;
  logicalType?: LogicalType;
  logicalTypeOptions?: Record<string, unknown>;
  physicalType?: string;
  description?: string;
  required?: boolean;
  primaryKey?: boolean;
  primaryKeyPosition?: number;
  classification?: string;
  tags?: string[];
  examples?: unknown[];
  unique?: boolean;
  quality?: Record<string, unknown>[];
  /** logicalType object: nested properties (then a Struct column, nested-types.ts). */
  properties?: OdcsProperty[];
  /** logicalType array: the item definition (then a List column). */
  items?: OdcsTyped;
}

export interface OdcsObject {
  name: string;
  description?: string;
  tags?: string[];
  properties?: OdcsProperty[];
  quality?: Record<string, unknown>[];
}

export interface ContractIdentity {
  id: string;
  version: string;
  apiVersion: string;
  name?: string;
}

/** Malformed quality rules are pushed to `problems` (pointers below the object). */
export function buildContractObject(obj: OdcsObject, contract: ContractIdentity, problems: RuleProblem[] = []): ContractObject {
  const props = obj.properties ?? [];
  const fields = props.map(toField);
  const primaryKey = props
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => p.primaryKey === true)
    .sort((a, b) => position(a.p) - position(b.p) || a.index - b.index)
    .map(({ p }) => p.name);
  const parquetMetadata = parquetMetadataOf(obj, fields, primaryKey, contract);
  const arrowSchema = new arrow.Schema(
    fields.map((f) => new arrow.Field(f.name, f.arrowType, !f.required, fieldMetadata(f))),
    new Map(Object.entries(parquetMetadata)),
  );
  const compiled = compileRules(obj, props, fields, primaryKey);
  problems.push(...compiled.problems);
  const jsonSchema = recordJsonSchema(obj, props, fields);
  return { name: obj.name, fields, primaryKey, arrowSchema, jsonSchema, parquetMetadata, rules: compiled.rules };
}

const position = (p: OdcsProperty): number =>
  p.primaryKeyPosition !== undefined && p.primaryKeyPosition > 0 ? p.primaryKeyPosition : Number.MAX_SAFE_INTEGER;

function toField(p: OdcsProperty): ContractField {
  const logicalType = logicalTypeOf(p);
  const primaryKey = p.primaryKey === true;
  return {
    name: p.name,
    logicalType,
    ...(p.logicalType === undefined && p.physicalType === undefined ? { typeOpen: true as const } : {}),
    ...(p.physicalType !== undefined ? { physicalType: p.physicalType } : {}),
    required: p.required === true || primaryKey,
    primaryKey,
    ...(p.classification !== undefined ? { classification: p.classification } : {}),
    tags: p.tags ?? [],
    arrowType: typeOf(p),
  };
}

function fieldMetadata(f: ContractField): Map<string, string> {
  const m = new Map<string, string>();
  if (f.classification !== undefined) m.set('dativo.classification', f.classification);
  if (f.tags.length > 0) m.set('dativo.tags', JSON.stringify(f.tags));
  return m;
}

function parquetMetadataOf(obj: OdcsObject, fields: ContractField[], primaryKey: string[], c: ContractIdentity): Record<string, string> {
  const classification: Record<string, string> = {};
  const fieldTags: Record<string, string[]> = {};
  for (const f of fields) {
    if (f.classification !== undefined) classification[f.name] = f.classification;
    if (f.tags.length > 0) fieldTags[f.name] = f.tags;
  }
  return {
    'dativo.contract': JSON.stringify({ id: c.id, version: c.version, apiVersion: c.apiVersion, ...(c.name ? { name: c.name } : {}), object: obj.name }),
    'dativo.classification': JSON.stringify(classification),
    'dativo.tags': JSON.stringify({ object: obj.tags ?? [], fields: fieldTags }),
    'dativo.primary_key': JSON.stringify(primaryKey),
  };
}

/** JSON Schema (2020-12) of one record as a reader plugin should produce it. */
function recordJsonSchema(obj: OdcsObject, props: OdcsProperty[], fields: ContractField[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  props.forEach((p, i) => {
    const f = fields[i]!;
    const s: Record<string, unknown> = { ...jsonTypeOf(f.logicalType, f.arrowType, p) };
    if (!f.required) s.type = [s.type, 'null'];
    if (p.description !== undefined) s.description = p.description;
    properties[f.name] = s;
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: obj.name,
    ...(obj.description !== undefined ? { description: obj.description } : {}),
    type: 'object',
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
  };
}

function jsonTypeOf(logicalType: LogicalType, arrowType: arrow.DataType, p: OdcsTyped): Record<string, unknown> {
  const opts = p.logicalTypeOptions ?? {};
  const pick = (keys: string[]): Record<string, unknown> =>
    Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
  switch (logicalType) {
    case 'string':
      // format binary (OpenAPI's name for raw bytes): a reader may emit Binary, the contract's type.
      if (arrow.DataType.isBinary(arrowType)) return { type: 'string', format: 'binary' };
      return { type: 'string', ...pick(['minLength', 'maxLength', 'pattern']) };
    case 'integer': {
      // format int32 (as OpenAPI writes it): a reader may then emit Int32, the contract's type.
      const int32 = arrow.DataType.isInt(arrowType) && arrowType.bitWidth === 32;
      return { type: 'integer', ...(int32 ? { format: 'int32' } : {}), ...pick(['minimum', 'maximum', 'multipleOf']) };
    }
    case 'number':
      // Decimal128: asked for as text, which readers keep digit for digit (a double would not).
      if (arrow.DataType.isDecimal(arrowType)) return { type: 'string', format: 'decimal' };
      return { type: 'number', ...pick(['minimum', 'maximum', 'multipleOf']) };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: isTimestampPhysical(p.physicalType) ? 'date-time' : 'date' };
    case 'object':
      if (arrow.DataType.isStruct(arrowType)) {
        const props = p.properties ?? [];
        return { type: 'object', properties: Object.fromEntries(props.map((c, i) => [c.name, nestedJson(c, arrowType.children[i]!.type)])) };
      }
      return { type: 'object' };
    case 'array':
      if (arrow.DataType.isList(arrowType) && p.items !== undefined) return { type: 'array', items: nestedJson(p.items, arrowType.children[0]!.type) };
      return { type: 'array' };
  }
}

/** A nested property's JSON Schema: always nullable (nested-types.ts). */
function nestedJson(p: OdcsTyped, arrowType: arrow.DataType): Record<string, unknown> {
  const s = jsonTypeOf(logicalTypeOf(p), arrowType, p);
  return { ...s, type: [s.type, 'null'] };
}
