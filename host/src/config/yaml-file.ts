import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { describeIssues } from './schema-issues.js';

/** Reads a YAML file and validates it; errors name the file, the key, and for syntax the line and column. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('CONFIG_NOT_FOUND', `${what} ${file} cannot be read: ${(e as Error).message}`, { details: { file } });
  }
  return parseYaml(text, file, schema, what);
}

// `{ path: ${DIR} }`: in a flow map or list, `{` and `}` are YAML syntax, even after `$`.
const UNQUOTED_VAR_IN_FLOW = /[[{][^"'\n]*?(?<!["'])\$\{/;
const FLOW_VAR_HINT = ' (inside { } or [ ], quote a ${VAR}: "${VAR}")';

export function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S, what: string): z.output<S> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const hint = pos && UNQUOTED_VAR_IN_FLOW.test(text.split('\n')[pos.line - 1] ?? '') ? FLOW_VAR_HINT : '';
    throw new ConfigError('CONFIG_YAML_SYNTAX', `${what} ${where}: ${err.message.split('\n')[0]}${hint}`, {
      details: { file, line: pos?.line, column: pos?.col },
    });
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    const issues = describeIssues(schema, result.error.issues);
    const { key, message } = issues[0]!;
    throw new ConfigError('CONFIG_INVALID', `${what} ${file}: ${key}: ${message}`, { details: { file, key, issues } });
  }
  return result.data;
}
