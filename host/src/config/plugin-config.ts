/**
 * A plugin's config checked against the JSON Schema its spec() publishes, to tell the user
 * which job key is wrong. Done only once the plugin has refused its config (a PLUGIN_CONFIG
 * error): Ajv costs ~100 ms to load and compile, which a run that is accepted never pays.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { PluginError, type HostError } from '../errors/index.js';
import { didYouMean } from './suggest.js';

const require = createRequire(import.meta.url);

/** One problem of a plugin config, at a path inside it (["delimiter"], ["incremental", "strategy"]). */
export interface ConfigViolation {
  path: string[];
  message: string;
}

/** Names the job key a reader config path came from: plan.ts builds the config this way. */
export type ConfigKeyOf = (path: string[]) => string;

/**
 * The reader's config is the recipe's default_config, overridden by source.config, plus
 * `files` (source.files as guest paths) and `incremental` (source.incremental).
 */
export const sourceConfigKey: ConfigKeyOf = (path) => {
  const [head, ...rest] = path;
  const base = head === 'files' || head === 'incremental' ? `source.${head}` : `source.config.${head}`;
  return [base, ...rest].join('.');
};

/**
 * The same, knowing where each setting came from: a key the job does not set but the
 * recipe's default_config does is named in the recipe (and how to override it);
 * `filesKey` is where the stream's files are listed (e.g. "source.objects[1].files").
 */
export function sourceConfigKeyFor(from: {
  jobConfig: Record<string, unknown>;
  recipe?: { file: string; default_config: Record<string, unknown> };
  filesKey?: string;
}): ConfigKeyOf {
  return (path) => {
    const [head = '', ...rest] = path;
    if (head === 'files' && from.filesKey) return [from.filesKey, ...rest].join('.');
    const inRecipe = from.recipe && !(head in from.jobConfig) && head in from.recipe.default_config;
    if (!inRecipe) return sourceConfigKey(path);
    const key = ['default_config', ...path].join('.');
    return `${key} of recipe ${from.recipe!.file} (set source.config.${path.join('.')} to override it)`;
  };
}

export const targetConfigKey: ConfigKeyOf = (path) => ['target.config', ...path].join('.');

function compile(schema: Record<string, unknown>): ValidateFunction {
  const draft = String(schema.$schema ?? '');
  const options = { allErrors: true, strict: false, verbose: true };
  type AjvClass = new (o: typeof options) => { compile(s: unknown): ValidateFunction };
  const Ajv: AjvClass = draft.includes('2020-12')
    ? (require('ajv/dist/2020.js') as { Ajv2020: AjvClass }).Ajv2020
    : draft.includes('2019-09')
      ? (require('ajv/dist/2019.js') as { Ajv2019: AjvClass }).Ajv2019
      : (require('ajv') as { Ajv: AjvClass }).Ajv;
  const ajv = new Ajv(options);
  (require('ajv-formats') as (a: unknown) => unknown)(ajv);
  return ajv.compile(schema);
}

const pathOf = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

const propertiesOf = (schema: unknown): string[] =>
  Object.keys(((schema ?? {}) as { properties?: Record<string, unknown> }).properties ?? {});

function violationOf(e: ErrorObject): ConfigViolation | undefined {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
    case 'anyOf':
    case 'oneOf':
    case 'allOf':
      return undefined; // an echo of the error that made the branch fail
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(p.additionalProperty ?? p.unevaluatedProperty);
      return { path: [...path, key], message: `unknown key${didYouMean(key, propertiesOf(e.parentSchema))}` };
    }
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'required key is missing' };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(e.data)})` };
    default:
      return { path, message: `${e.message ?? e.keyword} (got ${JSON.stringify(e.data)})` };
  }
}

/** What is wrong with `config` per `schema`, most telling first; [] when it conforms. */
export function configViolations(schema: Record<string, unknown>, config: unknown): ConfigViolation[] {
  const validate = compile(schema);
  if (validate(config)) return [];
  const seen = new Set<string>();
  const out: ConfigViolation[] = [];
  for (const e of validate.errors ?? []) {
    const v = violationOf(e);
    const id = v && `${v.path.join('\0')}\0${v.message}`;
    if (!v || seen.has(id!)) continue;
    seen.add(id!);
    out.push(v);
  }
  // An unknown key first (a typo explains the required key it left missing), then deepest.
  const rank = (v: ConfigViolation) => (v.message.startsWith('unknown key') ? 1000 : 0) + v.path.length;
  return out.sort((a, b) => rank(b) - rank(a));
}

/**
 * A plugin's PLUGIN_CONFIG error restated in job keys, when its config breaks the schema
 * the plugin publishes; any other error, or a config the schema accepts, unchanged.
 */
export async function explainConfigError(
  error: unknown,
  spec: () => Promise<{ configSchema: Record<string, unknown> }>,
  config: unknown,
  keyOf: ConfigKeyOf,
): Promise<unknown> {
  const e = error as HostError;
  if (!(e instanceof PluginError) || e.code !== 'PLUGIN_CONFIG') return error;
  let violations: ConfigViolation[];
  try {
    violations = configViolations((await spec()).configSchema, config);
  } catch {
    return error; // no usable schema: the plugin's own words stand
  }
  if (violations.length === 0) return error;
  const issues = violations.map((v) => ({ key: keyOf(v.path), message: v.message }));
  return new PluginError('PLUGIN_CONFIG', e.plugin, `plugin "${e.plugin}" refused its config: ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`, {
    // No `cause`: logs would print the plugin's words again, JSON position included.
    details: { ...e.details, key: issues[0]!.key, issues, pluginMessage: e.message },
  });
}
