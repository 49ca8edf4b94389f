/**
 * HTTP over the engine's fetch() (wasi:http/outgoing-handler, granted per origin by the
 * manifest's capabilities.http): retries with exponential backoff that honour
 * Retry-After on 429 and 503, auth from declared secrets, and pagination.
 *
 * A request the sandbox refuses fails inside fetch (the host records CAPABILITY_DENIED
 * and fails the call); it is not retried.
 */
import { PluginError } from './errors.js';
import { secret } from './secrets.js';
import type { PluginErrorRecord } from './types.js';

export type HttpAuth =
  | { type: 'none' }
  /** Authorization: Bearer <secret>. */
  | { type: 'bearer'; secret: string }
  /** Authorization: Basic base64(user:password); the user is literal or a secret. */
  | { type: 'basic'; username?: string; username_secret?: string; password_secret: string }
  /** The key in a header (default X-API-Key) or, with `query`, a query parameter. */
  | { type: 'api-key'; secret: string; header?: string; query?: string };

export interface RetryOptions {
  /** Retries after the first attempt, for 429, 408 and 5xx answers. Default 5. */
  maxRetries?: number;
  /**
   * Retries of a request that got no answer at all. Default 2: inside componentize-js a
   * sandbox refusal and a network failure look the same to the guest ("An error
   * occurred while using the host API"), and a refused request is never worth retrying.
   */
  maxNetworkRetries?: number;
  /** First backoff; doubled each retry, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Backoff ceiling. Default 30 s. */
  maxDelayMs?: number;
  /**
   * The longest Retry-After the client waits out itself. A longer one is returned to the
   * host as a rate-limited error carrying retry-after-ms. Default 60 s.
   */
  maxRetryAfterMs?: number;
}

export interface HttpClientOptions extends RetryOptions {
  /** scheme://host[:port][/prefix]: relative request paths are resolved against it. */
  baseUrl: string;
  auth?: HttpAuth;
  headers?: Record<string, string>;
  /** Called before each wait (for logging). */
  onRetry?: (info: { url: string; attempt: number; status?: number; delayMs: number; reason: string }) => void;
  /** Replaces the wait (tests). */
  sleep?: (ms: number) => Promise<void>;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  url: string;
  body: T;
}

/** Pagination styles (config names as in the rest-api-reader config). */
export type Pagination =
  | { type: 'none' }
  /** The next cursor is read from the body at `next_cursor_path` and sent as `cursor_param`. */
  | { type: 'cursor'; cursor_param: string; next_cursor_path: string }
  /** offset/limit: stops at a short page. */
  | { type: 'offset'; offset_param?: string; limit_param?: string; limit: number; start?: number }
  /** page number (from `start`, default 1): stops at an empty page, or a short one when `size` is given. */
  | { type: 'page'; page_param?: string; size_param?: string; size?: number; start?: number }
  /** RFC 8288 Link header, rel="next". */
  | { type: 'link' };

export interface Page<T = unknown> {
  records: T[];
  response: JsonResponse;
  /** 0 for the first page. */
  index: number;
}

const base64 = (s: string): string => {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
};

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads a value from parsed JSON at a path: a JSON Pointer ("/data/items"), a dotted
 * path ("data.items", "$.data.items"), or "" / "$" for the whole document.
 */
export function jsonPath(value: unknown, path: string): unknown {
  if (path === '' || path === '$' || path === '/') return value;
  const parts = path.startsWith('/')
    ? path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    : path.replace(/^\$\.?/, '').split('.');
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Milliseconds to wait from a Retry-After value (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The URL of rel="next" in a Link header, resolved against the request URL. */
export function nextLink(header: string | null, requestUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return new URL(m[1]!, requestUrl).href;
  }
  return undefined;
}

/** The contract error for a final non-2xx response. */
export function errorForStatus(status: number, url: string, detail: string, retryAfterMs?: number): PluginErrorRecord {
  const code = `HTTP_${status}`;
  const message = `${status} from ${url}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return PluginError.auth(message, { code });
  if (status === 429) return PluginError.rateLimited(message, retryAfterMs, { code });
  if (status === 503) return PluginError.rateLimited(message, retryAfterMs, { code });
  if (status >= 500 || status === 408) return PluginError.connection(message, { code });
  if (status === 400 || status === 404 || status === 405 || status === 422) return PluginError.config(message, { code });
  return PluginError.data(message, { code });
}

export class HttpClient {
  readonly #opts: Required<RetryOptions> & HttpClientOptions;
  #authHeaders: Record<string, string> | undefined;
  #authQuery: Query | undefined;

  constructor(opts: HttpClientOptions) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as HttpClientOptions;
    this.#opts = { maxRetries: 5, maxNetworkRetries: 2, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, ...defined };
  }

  /** Auth headers, reading the secrets once (on first use). */
  #auth(): { headers: Record<string, string>; query: Query } {
    if (!this.#authHeaders) {
      const a = this.#opts.auth ?? { type: 'none' };
      this.#authHeaders = {};
      this.#authQuery = {};
      if (a.type === 'bearer') this.#authHeaders.authorization = `Bearer ${secret(a.secret)}`;
      else if (a.type === 'basic') {
        const user = a.username_secret ? secret(a.username_secret) : (a.username ?? '');
        this.#authHeaders.authorization = `Basic ${base64(`${user}:${secret(a.password_secret)}`)}`;
      } else if (a.type === 'api-key') {
        if (a.query) this.#authQuery[a.query] = secret(a.secret);
        else this.#authHeaders[(a.header ?? 'x-api-key').toLowerCase()] = secret(a.secret);
      }
    }
    return { headers: this.#authHeaders, query: this.#authQuery! };
  }

  /** The absolute URL of a path (or URL) with query parameters (undefined ones left out). */
  url(pathOrUrl: string, query: Query = {}): string {
    const u = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(this.#opts.baseUrl.replace(/\/+$/, '') + (pathOrUrl.startsWith('/') ? '' : '/') + pathOrUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.href;
  }

  /** A request with retries; a final non-2xx is thrown as the matching plugin-error. */
  async request(pathOrUrl: string, opts: RequestOptions = {}): Promise<Response> {
    const auth = this.#auth();
    const url = this.url(pathOrUrl, { ...opts.query, ...auth.query });
    const shown = url.split('?')[0]!; // never echo query strings: they may carry an api key
    const sleep = this.#opts.sleep ?? defaultSleep;
    let networkFailures = 0;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: opts.method ?? 'GET',
          headers: { accept: 'application/json', ...this.#opts.headers, ...opts.headers, ...auth.headers },
          body: opts.body,
          redirect: 'manual',
        });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        // A sandbox refusal is final (the host has recorded CAPABILITY_DENIED); it cannot
        // be told from a network failure here, so those are retried only a little.
        if (/denied/i.test(reason) || networkFailures++ >= this.#opts.maxNetworkRetries) throw PluginError.connection(`request to ${shown} failed: ${reason}`, { code: 'HTTP_REQUEST_FAILED' });
        const delayMs = this.#backoff(attempt);
        this.#opts.onRetry?.({ url: shown, attempt: attempt + 1, delayMs, reason });
        await sleep(delayMs);
        continue;
      }
      if (res.status < 400) return res;
      const retryAfter = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
      const transient = res.status === 429 || res.status >= 500 || res.status === 408;
      if (transient && attempt < this.#opts.maxRetries && (retryAfter === undefined || retryAfter <= this.#opts.maxRetryAfterMs)) {
        await res.text().catch(() => '');
        const delayMs = retryAfter ?? this.#backoff(attempt);
        this.#opts.onRetry?.({ url: shown, attempt: attempt + 1, status: res.status, delayMs, reason: `HTTP ${res.status}` });
        await sleep(delayMs);
        continue;
      }
      const detail = (await res.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
      throw errorForStatus(res.status, shown, detail, retryAfter);
    }
  }

  /** A request whose body is JSON (parsed). */
  async getJson<T = unknown>(pathOrUrl: string, opts: RequestOptions = {}): Promise<JsonResponse<T>> {
    const res = await this.request(pathOrUrl, opts);
    const text = await res.text();
    let body: T;
    try {
      body = (text === '' ? null : JSON.parse(text)) as T;
    } catch (e) {
      throw PluginError.data(`response from ${res.url.split('?')[0] || pathOrUrl} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { code: 'RESPONSE_NOT_JSON' });
    }
    return { status: res.status, headers: res.headers, url: res.url || this.url(pathOrUrl, opts.query), body };
  }

  /**
   * The pages of a listing. `recordsPath` locates the records array in each body
   * (JSON pointer or dotted path; "" when the body is the array).
   */
  async *paginate<T = unknown>(pathOrUrl: string, pagination: Pagination, recordsPath: string, opts: RequestOptions = {}): AsyncGenerator<Page<T>> {
    let query: Query = { ...opts.query };
    let url = pathOrUrl;
    let offset = pagination.type === 'offset' ? (pagination.start ?? 0) : 0;
    let pageNo = pagination.type === 'page' ? (pagination.start ?? 1) : 0;
    for (let index = 0; ; index++) {
      if (pagination.type === 'offset') query = { ...query, [pagination.offset_param ?? 'offset']: offset, [pagination.limit_param ?? 'limit']: pagination.limit };
      if (pagination.type === 'page') {
        query = { ...query, [pagination.page_param ?? 'page']: pageNo };
        if (pagination.size !== undefined) query[pagination.size_param ?? 'per_page'] = pagination.size;
      }
      const response = await this.getJson(url, { ...opts, query });
      const found = jsonPath(response.body, recordsPath);
      if (found !== undefined && found !== null && !Array.isArray(found)) throw PluginError.data(`"${recordsPath}" in the response of ${url} is not an array`, { code: 'RECORDS_NOT_ARRAY' });
      const records = (found ?? []) as T[];
      yield { records, response, index };
      switch (pagination.type) {
        case 'none':
          return;
        case 'cursor': {
          const next = jsonPath(response.body, pagination.next_cursor_path);
          if (next === undefined || next === null || next === '' || records.length === 0) return;
          query = { ...query, [pagination.cursor_param]: String(next) };
          break;
        }
        case 'offset':
          if (records.length < pagination.limit) return;
          offset += records.length;
          break;
        case 'page':
          if (records.length === 0 || (pagination.size !== undefined && records.length < pagination.size)) return;
          pageNo++;
          break;
        case 'link': {
          const next = nextLink(response.headers.get('link'), response.url);
          if (!next) return;
          url = next;
          query = {}; // the link carries its own query
          break;
        }
      }
    }
  }

  #backoff(attempt: number): number {
    const exp = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** attempt);
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }
}
