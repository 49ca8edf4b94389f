/**
 * The official ODCS v3.0.2 JSON Schema (draft 2019-09), vendored next to this file (see README.md),
 * compiled once with Ajv2019. The JSON is read with require() relative to this module, so it works
 * from host/src (tsx, vitest) and from dist/ (host/tsconfig.json includes src/contracts/*.json, which
 * makes tsc copy it to dist/contracts/).
 */
import { createRequire } from 'node:module';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import formatsModule from 'ajv-formats';

export const ODCS_SCHEMA_FILE = 'odcs-json-schema-v3.0.2.json';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, typed as the namespace.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2019) => Ajv2019;

let validator: ValidateFunction | undefined;

export function odcsSchema(): Record<string, unknown> {
  return createRequire(import.meta.url)(`./${ODCS_SCHEMA_FILE}`) as Record<string, unknown>;
}

function compile(): ValidateFunction {
  // strict: false — the schema is the upstream text as published; Ajv's strict mode rejects some of
  // its constructs (e.g. "properties" under "if" without "type"), which are valid JSON Schema.
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(odcsSchema());
}

export interface SchemaViolation {
  /** JSON pointer into the document without the leading slash ("schema/0/name"); "" for the top level. */
  pointer: string;
  message: string;
}

/** Validates a parsed document; returns the most specific violations first (empty when valid). */
export function checkOdcs(doc: unknown): SchemaViolation[] {
  validator ??= compile();
  if (validator(doc)) return [];
  return summarise(validator.errors ?? []);
}

/**
 * Ajv with allErrors reports, besides the real cause, the combinators that failed because of it
 * ("must match \"then\" schema", unevaluated properties of the parent). Keep the real causes, deepest
 * pointer first, one message per pointer and message.
 */
function summarise(errors: ErrorObject[]): SchemaViolation[] {
  const noise = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', '$ref']);
  const real = errors.filter((e) => !noise.has(e.keyword));
  // When a property fails its subschema, Ajv does not count its keys as evaluated and reports each
  // one as unevaluated: those reports are echoes of an error at or below the same pointer.
  const causes = real.filter((e) => e.keyword !== 'unevaluatedProperties').map((e) => e.instancePath);
  const echo = (e: ErrorObject): boolean =>
    e.keyword === 'unevaluatedProperties' && causes.some((p) => p === e.instancePath || p.startsWith(`${e.instancePath}/`));
  const kept = real.filter((e) => !echo(e));
  const pool = kept.length > 0 ? kept : errors;
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  const ordered = [...pool].sort((a, b) => depth(b.instancePath) - depth(a.instancePath));
  for (const e of ordered) {
    const pointer = e.instancePath.replace(/^\//, '');
    const message = messageOf(e);
    const key = `${pointer}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message });
  }
  return out;
}

const depth = (p: string): number => (p === '' ? 0 : p.split('/').length);

function messageOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) {
    return `${e.message ?? 'invalid'}: ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (e.keyword === 'unevaluatedProperties' && typeof p.unevaluatedProperty === 'string') {
    return `unknown property "${p.unevaluatedProperty}"`;
  }
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    return `unknown property "${p.additionalProperty}"`;
  }
  return e.message ?? e.keyword;
}
