import { createHash } from 'node:crypto';
import { PluginError } from '../../errors/index.js';

/** What a component binary itself says: read from its bytes, never from a manifest. */
export interface ComponentInspection {
  sha256: string;
  size: number;
  /** Component-level imports with their versions, e.g. wasi:http/types@0.2.12. */
  imports: string[];
  exports: string[];
  /** From the producers sections of the component and its core modules. */
  producers: { language: string[]; processedBy: string[]; sdk: string[] };
  /** The component's world as `wasm-tools component wit` prints it. */
  wit: string;
}

type Producers = [string, [string, string][]][];

/**
 * Reads a component's imports, exports and producers with wasm-tools (the build that
 * jco-transpile ships as a component): the same parser the runtime's transpiler uses.
 */
export async function inspectComponent(bytes: Uint8Array, plugin = 'component'): Promise<ComponentInspection> {
  const tools = await import('@bytecodealliance/jco-transpile/wasm-tools');
  let wit: string;
  let metadata: { producers: Producers }[];
  try {
    wit = await tools.componentWit(bytes);
    metadata = (await tools.metadataShow(bytes)) as { producers: Producers }[];
  } catch (e) {
    const message = `plugin "${plugin}" is not a valid WebAssembly component: ${(e as Error).message}`;
    throw new PluginError('PLUGIN_INVALID_COMPONENT', plugin, message);
  }
  const { imports, exports } = worldItems(wit);
  const field = (name: string) => {
    const seen = new Set<string>();
    for (const m of metadata) {
      for (const [f, values] of m.producers) {
        if (f !== name) continue;
        for (const [n, v] of values) seen.add(v ? `${n} ${v}` : n);
      }
    }
    return [...seen].sort();
  };
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    imports,
    exports,
    producers: { language: field('language'), processedBy: field('processed-by'), sdk: field('sdk') },
    wit,
  };
}

/**
 * The import and export items of the world printed by componentWit: interfaces by name
 * (`import wasi:io/poll@0.2.12;`), functions and inline interfaces by their plain name.
 */
export function worldItems(wit: string): { imports: string[]; exports: string[] } {
  const imports: string[] = [];
  const exports: string[] = [];
  let depth = 0;
  for (const line of wit.split('\n')) {
    if (depth === 1) {
      const m = /^\s*(import|export)\s+([^\s;{]+?)\s*(?:;|:\s)/.exec(line);
      if (m) (m[1] === 'import' ? imports : exports).push(m[2]!.replace(/^%/, ''));
    }
    for (const ch of line) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
  }
  return { imports, exports };
}

/** An interface name without its version: wasi:http/types@0.2.12 -> wasi:http/types. */
export const unversioned = (name: string): string => name.replace(/@[^/]*$/, '');
