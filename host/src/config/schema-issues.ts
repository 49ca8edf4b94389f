import type { z } from 'zod';
import { didYouMean } from './suggest.js';

/** One problem of a config file, by the dotted key it is at. */
export interface KeyIssue {
  key: string;
  message: string;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value at `path` is checked against (several under a union). */
function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  const d = defOf(schema);
  const inner = d.innerType ?? d.in ?? d.getter?.();
  if (inner) return schemasAt(inner, path);
  if (d.type === 'union') return d.options!.flatMap((o) => schemasAt(o, path));
  if (d.type === 'intersection') return [...schemasAt(d.left!, path), ...schemasAt(d.right!, path)];
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (d.type === 'object') {
    const next = d.shape![String(head)];
    return next ? schemasAt(next, rest) : [];
  }
  if (d.type === 'record') return schemasAt(d.valueType!, rest);
  if (d.type === 'array') return schemasAt(d.element!, rest);
  return [];
}

/** The keys an object at `path` may have, per the schema. */
export function keysAt(schema: z.ZodType, path: Path): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const d = defOf(s);
    if (d.type === 'object') for (const k of Object.keys(d.shape!)) keys.add(k);
  }
  return [...keys];
}

const keyName = (path: Path): string => (path.length > 0 ? path.map(String).join('.') : '(top level)');

/**
 * Zod's issues as key + message, the ones a user can act on first: an unknown key (with the
 * closest valid key, "did you mean"), before the required key its typo left missing.
 */
export function describeIssues(schema: z.ZodType, issues: readonly Issue[]): KeyIssue[] {
  // By key: each branch of a union of strict objects reports the same unknown key.
  const unknown = new Map<string, KeyIssue>();
  const other: KeyIssue[] = [];
  const visit = (issue: Issue, base: Path) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, path);
      for (const k of issue.keys) {
        const key = keyName([...path, k]);
        if (!unknown.has(key)) unknown.set(key, { key, message: `unknown key${didYouMean(k, valid)}` });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.some((b) => b.some((i) => i.code === 'unrecognized_keys'))) {
      for (const branch of issue.errors) for (const i of branch) if (i.code === 'unrecognized_keys') visit(i, path);
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      other.push({ key: keyName(path), message: `required key is missing (expected ${issue.expected})` });
    } else {
      other.push({ key: keyName(path), message: issue.message });
    }
  };
  for (const issue of issues) visit(issue, []);
  return [...unknown.values(), ...other];
}
