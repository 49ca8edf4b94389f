import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRecordings, startFixtureServer, type FixtureServer } from './http-fixture.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`${server!.origin}${path}`, { headers });
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type'), retry: r.headers.get('retry-after') };
};

describe('startFixtureServer', () => {
  it('answers by method, path, exact query and headers, in the recordings order', async () => {
    server = await startFixtureServer([
      { path: '/items', query: {}, body: { page: 1 } },
      { path: '/items', query: { cursor: '2' }, headers: { authorization: 'Bearer t' }, body: { page: 2 } },
      { method: 'POST', path: '/items', status: 201, body: 'created' },
    ]);
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get('/items')).toMatchObject({ status: 200, body: '{"page":1}', type: 'application/json' });
    expect(await get('/items?cursor=2', { authorization: 'Bearer t' })).toMatchObject({ status: 200, body: '{"page":2}' });
    // A wrong header, an extra parameter, another path: unmatched, 404.
    expect((await get('/items?cursor=2', { authorization: 'Bearer x' })).status).toBe(404);
    expect((await get('/items?cursor=2&x=1', { authorization: 'Bearer t' })).status).toBe(404);
    expect(await get('/nothing')).toMatchObject({ status: 404, body: '{"error":"no recorded response for GET /nothing"}' });
    const post = await fetch(`${server.origin}/items`, { method: 'POST', body: 'a=1' });
    expect([post.status, await post.text(), post.headers.get('content-type')]).toEqual([201, 'created', 'text/plain']);
    expect(server.requests.map((r) => [r.method, r.url.pathname + r.url.search, r.status, r.recording])).toEqual([
      ['GET', '/items', 200, 0],
      ['GET', '/items?cursor=2', 200, 1],
      ['GET', '/items?cursor=2', 404, undefined],
      ['GET', '/items?cursor=2&x=1', 404, undefined],
      ['GET', '/nothing', 404, undefined],
      ['POST', '/items', 201, 2],
    ]);
    expect(server.requests[5]!.body).toBe('a=1');
    expect(server.unmatched).toHaveLength(3);
    expect(server.unused()).toEqual([]);
  });

  it('a recording with times is used up, then the next one answers; unused() lists the rest', async () => {
    server = await startFixtureServer([
      { path: '/p', status: 429, responseHeaders: { 'retry-after': '1' }, body: {}, times: 1 },
      { path: '/p', body: 'ok' },
      { path: '/never', body: 'x' },
    ]);
    expect(await get('/p')).toMatchObject({ status: 429, retry: '1' });
    expect(await get('/p')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/p')).toMatchObject({ status: 200, body: 'ok' });
    expect(server.unused()).toEqual([{ path: '/never', body: 'x' }]);
  });

  it('recordings from a YAML or JSON file; a bad entry is refused with its index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dativo-rec-'));
    writeFileSync(join(dir, 'api.yaml'), '- path: /v1/x\n  body: {a: 1}\n');
    server = await startFixtureServer(join(dir, 'api.yaml'));
    expect(await get('/v1/x')).toMatchObject({ status: 200, body: '{"a":1}' });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ path: '/ok' }, { path: 'no-slash' }]));
    expect(() => loadRecordings(join(dir, 'bad.json'))).toThrow(/entry 1: path must start with \//);
    writeFileSync(join(dir, 'obj.json'), '{}');
    expect(() => loadRecordings(join(dir, 'obj.json'))).toThrow(/must be a list/);
  });
});
