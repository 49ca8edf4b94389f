import type { PermissionKind } from '../permission.js';

/** scheme://host:port, where scheme, host labels and port may be `*`. */
export interface OriginPattern {
  scheme: string;
  host: string;
  port: string;
  text: string;
}

export interface HttpTarget {
  scheme: string;
  host: string;
  port: number;
}

const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443 };

export function parseOriginPattern(text: string): OriginPattern {
  const m = /^([a-z*]+):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+|\*))?\/?$/i.exec(text.trim());
  if (!m) throw new Error(`invalid HTTP allow pattern "${text}": expected scheme://host[:port]`);
  const scheme = m[1]!.toLowerCase();
  const host = normalizeHost(m[2]!);
  const port = m[3] ?? (scheme === '*' ? '' : String(DEFAULT_PORT[scheme] ?? ''));
  return { scheme, host, port, text };
}

export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h.replace(/\.$/, '');
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

export function originMatches(p: OriginPattern, t: HttpTarget): boolean {
  if (p.scheme !== '*' && p.scheme !== t.scheme) return false;
  if (!hostMatches(p.host, t.host)) return false;
  const port = p.port === '' ? String(DEFAULT_PORT[t.scheme] ?? '') : p.port;
  return port === '*' || port === String(t.port);
}

export const formatTarget = (t: HttpTarget): string =>
  `${t.scheme}://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;

export const httpKind: PermissionKind<OriginPattern, HttpTarget> = {
  capability: 'http',
  matches: originMatches,
  describe: formatTarget,
  allowWith: (t) => `capabilities.http: ["${formatTarget(t)}"]`,
};

/** The target of a URL-ish triple as wasi:http hands it over. */
export function httpTarget(scheme: string, authority: string): HttpTarget {
  const s = scheme.replace(/:$/, '').toLowerCase();
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!m) throw new Error(`invalid authority "${authority}"`);
  const host = normalizeHost(m[1]!);
  const port = m[2] ? Number(m[2]) : (DEFAULT_PORT[s] ?? 0);
  return { scheme: s, host, port };
}
