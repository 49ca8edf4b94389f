/** Reads an ODCS v3.0.2 contract (YAML), validates it against the official JSON Schema, resolves its objects. */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors/index.js';
import { buildContractObject, type OdcsObject } from './contract-object.js';
import type { ContractObject, DataContract } from './model.js';
import { checkOdcs, type SchemaViolation } from './odcs-schema.js';
import type { RuleProblem } from './rules/field-options.js';

/** How many schema violations the CONTRACT_INVALID message names. */
const SHOWN_VIOLATIONS = 3;

export function loadContract(file: string): DataContract {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('CONTRACT_NOT_FOUND', `contract ${file} cannot be read: ${(e as Error).message}`, { details: { file } });
  }
  return parseContract(text, file);
}

/** As loadContract, from text already in memory; `file` is used in messages. */
export function parseContract(text: string, file: string): DataContract {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new ConfigError('CONTRACT_YAML_SYNTAX', `contract ${where}: ${err.message.split('\n')[0]}`, {
      details: { file, line: pos?.line, column: pos?.col },
    });
  }
  const data: unknown = doc.toJS();
  const violations = checkOdcs(data);
  if (violations.length > 0) throw invalid(file, violations, doc, lines);

  const c = data as { id: string; version: string; apiVersion: string; name?: string; schema?: OdcsObject[] };
  const identity = { id: c.id, version: c.version, apiVersion: c.apiVersion, ...(c.name !== undefined ? { name: c.name } : {}) };
  const problems: SchemaViolation[] = [];
  const objects = (c.schema ?? []).map((o, i) => {
    const found: RuleProblem[] = [];
    const object = buildContractObject(o, identity, found);
    for (const p of found) problems.push({ pointer: `schema/${i}/${p.at}`, message: p.message });
    return object;
  });
  if (problems.length > 0) throw invalidRules(file, problems, doc, lines);
  checkNames(file, objects);
  return { file, id: c.id, version: c.version, ...(c.name !== undefined ? { name: c.name } : {}), objects };
}

/** The contract object describing `streamName`. */
export function contractObjectFor(contract: DataContract, streamName: string): ContractObject {
  const found = contract.objects.find((o) => o.name === streamName);
  if (found) return found;
  const names = contract.objects.map((o) => `"${o.name}"`).join(', ') || '(none)';
  throw new ConfigError(
    'CONTRACT_OBJECT_NOT_FOUND',
    `contract ${contract.file} (id ${contract.id}) has no schema object named "${streamName}"; it has: ${names}`,
    { details: { file: contract.file, stream: streamName, available: contract.objects.map((o) => o.name) } },
  );
}

function invalid(file: string, violations: SchemaViolation[], doc: Document, lines: LineCounter): ConfigError {
  const located = violations.map((v) => ({ ...v, line: lineOf(v.pointer, doc, lines) }));
  const shown = located
    .slice(0, SHOWN_VIOLATIONS)
    .map((v) => `${v.pointer || '(top level)'}: ${v.message}${v.line !== undefined ? ` (line ${v.line})` : ''}`);
  const more = violations.length > SHOWN_VIOLATIONS ? `; and ${violations.length - SHOWN_VIOLATIONS} more` : '';
  return new ConfigError('CONTRACT_INVALID', `contract ${file} is not valid ODCS v3.0.2: ${shown.join('; ')}${more}`, {
    details: { file, violations: located },
  });
}

/** Quality rules the host would enforce but cannot read (valid ODCS, unusable rule). */
function invalidRules(file: string, problems: SchemaViolation[], doc: Document, lines: LineCounter): ConfigError {
  const located = problems.map((v) => ({ ...v, line: lineOf(v.pointer, doc, lines) }));
  const shown = located.slice(0, SHOWN_VIOLATIONS).map((v) => `${v.pointer}: ${v.message}${v.line !== undefined ? ` (line ${v.line})` : ''}`);
  const more = problems.length > SHOWN_VIOLATIONS ? `; and ${problems.length - SHOWN_VIOLATIONS} more` : '';
  return new ConfigError('CONTRACT_INVALID', `contract ${file}: data quality rule cannot be enforced: ${shown.join('; ')}${more}`, {
    details: { file, violations: located },
  });
}

function lineOf(pointer: string, doc: Document, lines: LineCounter): number | undefined {
  const path = pointer === '' ? [] : pointer.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const node = path.length === 0 ? doc.contents : doc.getIn(path.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true);
  if (!isNode(node) || !node.range) return undefined;
  return lines.linePos(node.range[0]).line;
}

/** Duplicate object or field names would make stream lookup and the Arrow schema ambiguous. */
function checkNames(file: string, objects: ContractObject[]): void {
  const dup = (names: string[]): string | undefined => names.find((n, i) => names.indexOf(n) !== i);
  const o = dup(objects.map((x) => x.name));
  if (o !== undefined) throw new ConfigError('CONTRACT_INVALID', `contract ${file}: schema object "${o}" is declared twice`, { details: { file } });
  for (const obj of objects) {
    const f = dup(obj.fields.map((x) => x.name));
    if (f !== undefined) {
      throw new ConfigError('CONTRACT_INVALID', `contract ${file}: object "${obj.name}" declares property "${f}" twice`, { details: { file } });
    }
  }
}
