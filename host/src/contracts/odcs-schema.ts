/**
 * The official ODCS v3.0.2 JSON Schema (draft 2019-09), vendored next to this file (see README.md).
 * The JSON is found through hostFile, so it is read from host/src (tsx, vitest) or from dist/
 * (host/tsconfig.json includes src/contracts/*.json, which makes tsc copy it to dist/contracts/).
 *
 * Compiling the schema with Ajv costs ~150 ms of every run's start, so the compiled validator
 * (Ajv's standalone code) is cached on disk, keyed by the schema text and the Ajv version, and
 * later runs load that code instead of Ajv.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { defaultCacheDir } from '../files/cache-dir.js';
import { hostFile } from '../package-root.js';

export const ODCS_SCHEMA_FILE = 'odcs-json-schema-v3.0.2.json';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | undefined;

const schemaPath = (): string => hostFile(`contracts/${ODCS_SCHEMA_FILE}`);

export function odcsSchema(): Record<string, unknown> {
  return require(schemaPath()) as Record<string, unknown>;
}

function validatorCode(): string {
  const { Ajv2019 } = require('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js');
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: ValidateFunction) => string }).default;
  const addFormats = require('ajv-formats') as (ajv: unknown) => unknown;
  // strict: false — the schema is the upstream text as published; Ajv's strict mode rejects some of
  // its constructs (e.g. "properties" under "if" without "type"), which are valid JSON Schema.
  const ajv = new Ajv2019({ allErrors: true, strict: false, code: { source: true } });
  addFormats(ajv);
  return standaloneCode(ajv, ajv.compile(odcsSchema()));
}

/** The compiled validator from the cache, or compiled now and cached (best effort: a read-only cache only costs time). */
function cachedValidatorCode(cacheDir: string): string {
  const schemaText = readFileSync(schemaPath());
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(schemaText).update(`\0ajv ${ajvVersion}\0allErrors`).digest('hex').slice(0, 32);
  const file = join(cacheDir, 'validators', `odcs-v3.0.2-${key}.cjs`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const code = validatorCode();
    try {
      mkdirSync(join(cacheDir, 'validators'), { recursive: true });
      const tmp = `${file}.${randomUUID()}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
    } catch {
      // not cached: the next run compiles again
    }
    return code;
  }
}

/** Evaluates Ajv's standalone CommonJS code; its require() resolves Ajv's runtime helpers from here. */
function loadValidator(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports as ValidateFunction;
}

export function compileOdcsValidator(cacheDir = defaultCacheDir()): ValidateFunction {
  return loadValidator(cachedValidatorCode(cacheDir));
}

export interface SchemaViolation {
  /** JSON pointer into the document without the leading slash ("schema/0/name"); "" for the top level. */
  pointer: string;
  message: string;
}

/** Validates a parsed document; returns the most specific violations first (empty when valid). */
export function checkOdcs(doc: unknown): SchemaViolation[] {
  validator ??= compileOdcsValidator();
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
