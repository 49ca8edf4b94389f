/**
 * rest-api-reader (TypeScript): one stream from a paginated JSON API, as JSON Lines.
 *
 * Config:
 *   base_url      scheme://host[:port] (must be granted in capabilities.http)
 *   path          the listing's path, e.g. /v1/items; the stream is named after its last segment
 *   stream        optional stream name
 *   query         extra query parameters
 *   auth          {type: none} | {type: bearer, secret} | {type: basic, username | username_secret, password_secret}
 *                 | {type: api-key, secret, header? | query?}
 *   records_path  where the records are in a body (JSON pointer or dotted path; "" = the body); default "/data"
 *   pagination    {type: none} | {type: cursor, cursor_param, next_cursor_path} | {type: offset, limit, ...}
 *                 | {type: page, ...} | {type: link}
 *   incremental   {cursor_field, param}: the checkpoint is the largest cursor_field seen; the
 *                 next run sends it as query parameter `param`
 *   primary_key   list of fields
 *   retry         {max_retries, base_delay_ms, max_retry_after_ms}
 *
 * Batches hold up to 10,000 records (several pages); the checkpoint
 * {"cursor_field":F,"max":V} rides on the last batch only, since pages need not be
 * ordered by the cursor field.
 */
import {
  defineReader,
  HttpClient,
  JsonLinesBatch,
  log,
  PluginError,
  type Batch,
  type HttpAuth,
  type Page,
  type Pagination,
} from '../../sdk/src/index.js';

interface Config {
  base_url: string;
  path: string;
  stream?: string;
  query?: Record<string, string | number | boolean>;
  auth: HttpAuth;
  records_path: string;
  pagination: Pagination;
  incremental?: { cursor_field: string; param: string };
  primary_key: string[];
  retry: { max_retries?: number; base_delay_ms?: number; max_retry_after_ms?: number };
}

const CONFIG_SCHEMA = {
  type: 'object',
  required: ['base_url', 'path'],
  properties: {
    base_url: { type: 'string', pattern: '^https?://' },
    path: { type: 'string' },
    stream: { type: 'string' },
    query: { type: 'object' },
    auth: { type: 'object', required: ['type'], properties: { type: { enum: ['none', 'bearer', 'basic', 'api-key'] } } },
    records_path: { type: 'string' },
    pagination: { type: 'object', required: ['type'], properties: { type: { enum: ['none', 'cursor', 'offset', 'page', 'link'] } } },
    incremental: { type: 'object', required: ['cursor_field', 'param'] },
    primary_key: { type: 'array', items: { type: 'string' } },
    retry: { type: 'object' },
  },
};

function parseConfig(v: unknown): Config {
  const c = v as Record<string, unknown>;
  const need = (field: string, ok: boolean, what: string) => {
    if (!ok) throw PluginError.config(`config.${field} ${what}`);
  };
  need('base_url', typeof c.base_url === 'string' && /^https?:\/\/[^/]+/.test(c.base_url), 'is required: an http(s) URL');
  need('path', typeof c.path === 'string', 'is required: the listing path, e.g. /v1/items');
  const auth = (c.auth ?? { type: 'none' }) as HttpAuth;
  need('auth.type', ['none', 'bearer', 'basic', 'api-key'].includes(auth.type), 'must be none, bearer, basic or api-key');
  if (auth.type === 'bearer' || auth.type === 'api-key') need('auth.secret', typeof auth.secret === 'string', 'names the secret holding the credential');
  if (auth.type === 'basic') need('auth.password_secret', typeof auth.password_secret === 'string', 'names the secret holding the password');
  const pagination = (c.pagination ?? { type: 'none' }) as Pagination;
  need('pagination.type', ['none', 'cursor', 'offset', 'page', 'link'].includes(pagination.type), 'must be none, cursor, offset, page or link');
  if (pagination.type === 'cursor') {
    need('pagination.cursor_param', typeof pagination.cursor_param === 'string', 'is required for cursor pagination');
    need('pagination.next_cursor_path', typeof pagination.next_cursor_path === 'string', 'is required for cursor pagination');
  }
  if (pagination.type === 'offset') need('pagination.limit', typeof pagination.limit === 'number' && pagination.limit > 0, 'must be a positive number');
  const inc = c.incremental as Config['incremental'];
  if (inc !== undefined) need('incremental', typeof inc?.cursor_field === 'string' && typeof inc?.param === 'string', 'needs cursor_field and param');
  return {
    base_url: c.base_url as string,
    path: c.path as string,
    stream: typeof c.stream === 'string' ? c.stream : undefined,
    query: (c.query ?? {}) as Config['query'],
    auth,
    records_path: typeof c.records_path === 'string' ? c.records_path : '/data',
    pagination,
    incremental: inc,
    primary_key: Array.isArray(c.primary_key) ? (c.primary_key as string[]) : [],
    retry: (c.retry ?? {}) as Config['retry'],
  };
}

const streamName = (c: Config): string => c.stream ?? (c.path.split('/').filter(Boolean).pop() || 'records');

function client(c: Config): HttpClient {
  return new HttpClient({
    baseUrl: c.base_url,
    auth: c.auth,
    maxRetries: c.retry.max_retries,
    baseDelayMs: c.retry.base_delay_ms,
    maxRetryAfterMs: c.retry.max_retry_after_ms,
    onRetry: (r) => log.warn('retrying request', { url: r.url, attempt: r.attempt, status: r.status, delay_ms: r.delayMs, reason: r.reason }),
  });
}

/** The larger of two cursor values (numbers numerically, anything else as strings). */
function maxCursor(a: unknown, b: unknown): unknown {
  if (a === undefined || a === null) return b;
  if (b === undefined || b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return b > a ? b : a;
  return String(b) > String(a) ? b : a;
}

export const reader = defineReader<Config>({
  spec: { version: '0.1.0', configSchema: CONFIG_SCHEMA, encodings: ['json-lines'] },
  parseConfig,

  async check(c) {
    // One request for the first page: reachability and credentials.
    const pages = client(c).paginate(c.path, { type: 'none' }, c.records_path, { query: c.query });
    await pages.next();
  },

  discover: (c) => [
    {
      name: streamName(c),
      primaryKey: c.primary_key,
      cursorFields: c.incremental ? [c.incremental.cursor_field] : [],
      supportsIncremental: c.incremental !== undefined,
    },
  ],

  open({ config: c, stream, checkpoint }) {
    if (stream !== streamName(c)) throw PluginError.config(`unknown stream "${stream}" (this config offers "${streamName(c)}")`, { code: 'UNKNOWN_STREAM' });
    let since: unknown;
    if (checkpoint !== undefined && c.incremental) {
      try {
        since = (JSON.parse(checkpoint) as { max?: unknown }).max;
      } catch {
        throw PluginError.data(`checkpoint is not JSON: ${checkpoint.slice(0, 100)}`, { code: 'BAD_CHECKPOINT' });
      }
    }
    const query = { ...c.query };
    if (c.incremental && since !== undefined && since !== null) query[c.incremental.param] = String(since);
    const pages: AsyncGenerator<Page<Record<string, unknown>>> = client(c).paginate(c.path, c.pagination, c.records_path, { query });
    const batch = new JsonLinesBatch({ maxRows: 10_000 });
    const field = c.incremental?.cursor_field;
    let max: unknown = undefined;
    let finished = false;
    let fetched = 0;

    return {
      async next(): Promise<Batch | undefined> {
        while (!finished) {
          const page = await pages.next();
          if (page.done) {
            finished = true;
            log.debug('extraction finished', { stream, pages: fetched });
            if (batch.isEmpty) return undefined; // nothing new: the old checkpoint stands
            return batch.take(field !== undefined && max !== undefined ? JSON.stringify({ cursor_field: field, max }) : undefined);
          }
          fetched++;
          const { records } = page.value;
          if (records.length === 0) continue;
          // A full batch leaves only once more records are known to follow, so the last
          // batch (which carries the checkpoint) is never empty.
          const full = batch.isFull ? batch.take() : undefined;
          if (field !== undefined) for (const r of records) max = maxCursor(max, r?.[field]);
          batch.addAll(records);
          if (full) return full;
        }
        return undefined;
      },
    };
  },
});
