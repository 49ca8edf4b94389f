/**
 * Columns the contract leaves open (neither logicalType nor physicalType) typed by the
 * connector's own JSON Schema of the stream: a Singer catalog / SCHEMA message, an Airbyte
 * catalog's json_schema. The discovered schema types them before the run's writer and
 * validator are made (check runs discover first); a Singer SCHEMA message that then types
 * an open column otherwise fails the run (ENGINE_SCHEMA_CHANGED) rather than mistyping it.
 * A column the schema does not type one way (several non-null types, no type) stays string.
 */
import * as arrow from 'apache-arrow';
import { arrowTypeFor } from '../contracts/arrow-types.js';
import type { ContractField, ContractObject, LogicalType } from '../contracts/index.js';

type Typed = Pick<ContractField, 'logicalType' | 'physicalType'>;

/** The contract type a JSON Schema property implies, or undefined when it implies none. */
export function typeOfJsonSchema(prop: unknown): Typed | undefined {
  if (prop === null || typeof prop !== 'object') return undefined;
  const p = prop as { type?: unknown; format?: unknown };
  const types = (Array.isArray(p.type) ? p.type : [p.type]).filter((t) => t !== 'null');
  if (types.length !== 1 || typeof types[0] !== 'string') return undefined;
  const t = types[0];
  if (t === 'string' && p.format === 'date-time') return { logicalType: 'date', physicalType: 'timestamp' };
  if (t === 'string' && p.format === 'date') return { logicalType: 'date' };
  const plain: Record<string, LogicalType> = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', object: 'object', array: 'array' };
  return plain[t] ? { logicalType: plain[t] } : undefined;
}

/** What `schema` (a stream's JSON Schema) makes of each open column: name -> type. */
export function openColumnTypes(object: ContractObject, schema: unknown): Map<string, Typed> {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const out = new Map<string, Typed>();
  for (const f of object.fields) {
    if (!f.typeOpen || !Object.hasOwn(props, f.name)) continue;
    const t = typeOfJsonSchema(props[f.name]);
    if (t) out.set(f.name, t);
  }
  return out;
}

/**
 * Types the open columns of `object` in place (the stream's contract object, before the
 * pipeline builds its writer and validator from it) by `schema`; returns what it typed.
 */
export function typeOpenColumns(object: ContractObject, schema: unknown): Map<string, Typed> {
  const types = openColumnTypes(object, schema);
  if (types.size === 0) return types;
  object.fields = object.fields.map((f) => {
    const t = types.get(f.name);
    if (!t) return f;
    const { physicalType: _p, ...rest } = f;
    return { ...rest, ...t, arrowType: arrowTypeFor(t.logicalType, t.physicalType) };
  });
  const byName = new Map(object.fields.map((f) => [f.name, f]));
  object.arrowSchema = new arrow.Schema(
    object.arrowSchema.fields.map((a) => (types.has(a.name) ? new arrow.Field(a.name, byName.get(a.name)!.arrowType, a.nullable, a.metadata) : a)),
    object.arrowSchema.metadata,
  );
  const props = { ...((object.jsonSchema.properties ?? {}) as Record<string, Record<string, unknown>>) };
  for (const [name, t] of types) {
    const nullable = !byName.get(name)!.required;
    const json = jsonTypeOf(t);
    props[name] = { ...props[name], ...json, type: nullable ? [json.type, 'null'] : json.type };
  }
  object.jsonSchema = { ...object.jsonSchema, properties: props };
  return types;
}

/** Open columns `schema` types otherwise than the contract object now has them ("name: was -> now"). */
export function retypedColumns(object: ContractObject, schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const label = (t: Typed) => `${t.logicalType}${t.physicalType ? ` (${t.physicalType})` : ''}`;
  const out: string[] = [];
  for (const f of object.fields) {
    if (!f.typeOpen || !Object.hasOwn(props, f.name)) continue;
    const [was, now] = [label(f), label(typeOfJsonSchema(props[f.name]) ?? { logicalType: 'string' })];
    if (was !== now) out.push(`${f.name}: ${was} -> ${now}`);
  }
  return out;
}

function jsonTypeOf(t: Typed): { type: string; format?: string } {
  if (t.logicalType === 'date') return { type: 'string', format: t.physicalType ? 'date-time' : 'date' };
  return { type: t.logicalType };
}
