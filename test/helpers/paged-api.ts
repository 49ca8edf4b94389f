import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the paged API saw. */
export interface Hit {
  url: URL;
  at: number;
  status: number;
  authorization: string | undefined;
}

export interface PagedApi<T> {
  origin: string;
  items: T[];
  hits: Hit[];
  /** Answer 429 (Retry-After: 1) once, to the first request for this cursor. */
  throttleCursor: string | undefined;
  close(): Promise<void>;
}

/**
 * A real paginated JSON API on loopback, for the REST reader plugins' tests:
 * GET /v1/items with `Authorization: Bearer <token>`, pages of 3 under `data` with
 * `next_cursor`, `since` filtering on updated_at, and an optional one-off 429.
 */
export async function startPagedApi<T extends { updated_at: string }>(items: T[], token: string): Promise<PagedApi<T>> {
  const api = { items, hits: [] as Hit[], throttleCursor: undefined as string | undefined } as PagedApi<T>;
  const answer = (req: IncomingMessage): { status: number; headers?: Record<string, string>; body: unknown } => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/items') return { status: 404, body: { error: 'not found' } };
    if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: 'bad token' } };
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null && cursor === api.throttleCursor) {
      api.throttleCursor = undefined;
      return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
    }
    const since = url.searchParams.get('since');
    const matching = api.items.filter((r) => since === null || r.updated_at > since);
    const start = cursor === null ? 0 : Number(cursor);
    const next = start + 3 < matching.length ? String(start + 3) : null;
    return { status: 200, body: { data: matching.slice(start, start + 3), next_cursor: next } };
  };
  const server: Server = createServer((req, res) => {
    const { status, headers, body } = answer(req);
    api.hits.push({ url: new URL(req.url ?? '/', 'http://x'), at: Date.now(), status, authorization: req.headers.authorization });
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}
