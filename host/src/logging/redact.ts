/**
 * What the host's own records must not repeat of a plugin's requests: query values and
 * userinfo of URLs (a token sent as `?api_key=` or `https://user:pass@`).
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

/** `https://u:p@h/p?a=1&b#f` -> `https://[redacted]@h/p?a=[redacted]&b=[redacted]#f`. */
export function redactUrl(url: string): string {
  const s = url.replace(USERINFO, '$1[redacted]@');
  const q = s.indexOf('?');
  if (q === -1) return s;
  const hash = s.indexOf('#', q);
  const end = hash === -1 ? s.length : hash;
  const query = s
    .slice(q + 1, end)
    .split('&')
    .map((part) => (part === '' ? part : `${part.split('=')[0]}=[redacted]`))
    .join('&');
  return `${s.slice(0, q + 1)}${query}${s.slice(end)}`;
}

/** Audit and denial fields that may hold a URL or a path with its query. */
const URL_KEYS = new Set(['target', 'path', 'url', 'location']);

export function redactUrlFields<T extends Record<string, unknown>>(fields: T): T {
  const out: Record<string, unknown> = { ...fields };
  for (const k of URL_KEYS) if (typeof out[k] === 'string') out[k] = redactUrl(out[k]);
  return out as T;
}
