/**
 * A secret's location in a remote manager: `<path or id>[#<json key>]`. A job maps the names
 * plugins ask for to references (`secrets.keys`); a name with no entry is `<prefix><name>`.
 */
export interface SecretRef {
  path: string;
  field?: string;
}

export function secretRef(name: string, keys: Record<string, string> | undefined, prefix = ''): SecretRef {
  const ref = keys?.[name] ?? `${prefix}${name}`;
  const hash = ref.lastIndexOf('#');
  return hash < 0 ? { path: ref } : { path: ref.slice(0, hash), field: ref.slice(hash + 1) };
}

/** A JSON object's `field`, as text; undefined when the object has no such key. */
export function selectField(text: string, field: string, fail: (why: string) => never): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`is not a JSON object, so key "${field}" cannot be selected`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`is not a JSON object, so key "${field}" cannot be selected`);
  const v = (parsed as Record<string, unknown>)[field];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
