/**
 * A loopback HTTP server answering from recorded responses: what a reader plugin's tests
 * point it at instead of the real API. Each request is matched against the recordings in
 * their order: method (default GET), path, and, when a recording names `query`, exactly
 * those query parameters (none other). A recording with `times` is used up after that
 * many answers, so one path can answer 429 once and then 200. A request nothing matches
 * gets 404 and is kept in `unmatched`. Grant the plugin `server.origin` (an exact
 * loopback address: the sandbox refuses loopback otherwise).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';

export interface RecordedResponse {
  method?: string;
  path: string;
  /** Exactly these query parameters (absent: any query). */
  query?: Record<string, string>;
  /** Request headers that must match (names in lower case), e.g. authorization. */
  headers?: Record<string, string>;
  /** Default 200. */
  status?: number;
  /** Response headers; content-type defaults to application/json for a non-string body. */
  responseHeaders?: Record<string, string>;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  /** Answer this many requests, then stop matching (default: every request). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  status: number;
  /** The index of the recording that answered (undefined: unmatched). */
  recording: number | undefined;
}

export interface FixtureServer {
  /** http://127.0.0.1:PORT: the origin to grant and to configure the plugin with. */
  origin: string;
  /** Every request served, in order. */
  requests: RecordedRequest[];
  /** The requests no recording matched (answered 404). */
  unmatched: RecordedRequest[];
  /** Recordings never used: a test that expects every one to be asked for checks this. */
  unused(): RecordedResponse[];
  close(): Promise<void>;
}

/** Recordings from a JSON or YAML file: a list of RecordedResponse. */
export function loadRecordings(file: string): RecordedResponse[] {
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(doc)) throw new Error(`${file}: recorded responses must be a list`);
  doc.forEach((r: Partial<RecordedResponse>, i) => {
    if (typeof r?.path !== 'string' || !r.path.startsWith('/')) throw new Error(`${file}: entry ${i}: path must start with /`);
  });
  return doc as RecordedResponse[];
}

const sameQuery = (want: Record<string, string>, got: URLSearchParams): boolean => {
  const keys = [...new Set(got.keys())];
  return keys.length === Object.keys(want).length && keys.every((k) => got.getAll(k).length === 1 && got.get(k) === want[k]);
};

/** Starts the server on 127.0.0.1 (an ephemeral port) with recordings or a file of them. */
export async function startFixtureServer(recordings: RecordedResponse[] | string): Promise<FixtureServer> {
  const list = typeof recordings === 'string' ? loadRecordings(recordings) : recordings;
  const served = list.map(() => 0);
  const requests: RecordedRequest[] = [];
  const matchOf = (method: string, url: URL, headers: IncomingHttpHeaders): number =>
    list.findIndex(
      (r, i) =>
        (r.method ?? 'GET').toUpperCase() === method &&
        r.path === url.pathname &&
        (r.query === undefined || sameQuery(r.query, url.searchParams)) &&
        Object.entries(r.headers ?? {}).every(([k, v]) => headers[k.toLowerCase()] === v) &&
        (r.times === undefined || served[i]! < r.times),
    );
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const i = matchOf(method, url, req.headers);
      const r = i >= 0 ? list[i]! : undefined;
      if (r) served[i]!++;
      const status = r ? (r.status ?? 200) : 404;
      const body = r ? r.body : { error: `no recorded response for ${method} ${url.pathname}${url.search}` };
      const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/plain' : 'application/json';
      requests.push({ method, url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status, recording: r ? i : undefined });
      res.writeHead(status, { 'content-type': type, ...r?.responseHeaders }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    get unmatched() {
      return requests.filter((r) => r.recording === undefined);
    },
    unused: () => list.filter((_, i) => served[i] === 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
