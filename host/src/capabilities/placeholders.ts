import type { PluginManifest } from '../config/manifest.js';
import { ConfigError } from '../errors/index.js';

/**
 * An HTTP grant bound to a config key: `{{ config.KEY }}` (the key holds a URL; the grant
 * is its origin) or `https://{{ config.KEY }}[:port]` (the key holds host[:port]).
 * KEY may be a dotted path into the config.
 */
export const PLACEHOLDER = /^(?:(https?):\/\/)?\{\{\s*config\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}(?::(\d+))?$/;

const CONCRETE = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d+))?$/;

export interface FilledPlaceholder {
  template: string;
  key: string;
  entry: string;
}

const lookup = (config: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), config);

/** The concrete origin of one template, or a ConfigError naming the key and what it holds. */
export function fillOrigin(template: string, config: Record<string, unknown>, plugin: string): FilledPlaceholder {
  const m = PLACEHOLDER.exec(template)!;
  const [, scheme, key, port] = m;
  const value = lookup(config, key!);
  const fail = (why: string): never => {
    throw new ConfigError('PLUGIN_PLACEHOLDER_INVALID', `plugin "${plugin}" grants ${template}: config.${key} ${why}`, {
      details: { plugin, template, key },
    });
  };
  if (typeof value !== 'string' || value === '') return fail('is not set (the job\'s config must give it)');
  let text: string;
  if (!scheme) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(`is "${value}", not a URL`);
    }
    if (url.username || url.password) fail('holds credentials: give them as secrets');
    text = `${url.protocol}//${url.host}`;
  } else {
    text = `${scheme}://${value}${port ? `:${port}` : ''}`;
  }
  const c = CONCRETE.exec(text);
  if (!c || (port && c[3] !== port)) fail(`is "${value}": the grant must be one concrete scheme://host[:port]`);
  return { template, key: key!, entry: text.toLowerCase() };
}

/** The manifest with every HTTP placeholder filled from the plugin's config. */
export function fillPlaceholders(
  manifest: PluginManifest,
  config: Record<string, unknown> | undefined,
): { manifest: PluginManifest; filled: FilledPlaceholder[] } {
  const templates = manifest.capabilities.http.filter((e) => PLACEHOLDER.test(e));
  if (templates.length === 0) return { manifest, filled: [] };
  const filled = templates.map((t) => fillOrigin(t, config ?? {}, manifest.name));
  const http = manifest.capabilities.http.map((e) => filled.find((f) => f.template === e)?.entry ?? e);
  return { manifest: { ...manifest, capabilities: { ...manifest.capabilities, http: [...new Set(http)] } }, filled };
}
