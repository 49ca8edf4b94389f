/**
 * The catalog's credentials: OAuth2 client credentials from the job's secret manager are
 * exchanged for a token at the catalog's /v1/oauth/tokens (the Iceberg REST catalog's own
 * token endpoint), every later call carries the token, and neither appears in the output.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readIcebergTable, icebergRestForTests } from '../helpers/iceberg-rest.js';
import { icebergJob, runCli } from './iceberg-cases.js';

const cat = icebergRestForTests();

/** A loopback proxy to the catalog that records each request's method, path and Authorization header. */
async function recordingProxy() {
  const seen: { method: string; path: string; auth: string | undefined; body: string }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body: body.toString() });
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const answer = await fetch(`${cat.uri}${req.url}`, { method: req.method, headers, ...(body.length ? { body } : {}) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

describe('Iceberg catalog credentials', () => {
  it('client credentials from the secret manager become a bearer token on every call, and are never printed', async () => {
    const proxy = await recordingProxy();
    try {
      const secret = 'dativo-client:Sx9-very-secret-credential';
      const ws = icebergJob(cat, 500, { table: 'orders_auth' });
      ws.write({
        secrets: { manager: 'env' },
        target: { connection: { local: { path: ws.warehouse } }, catalog: { uri: proxy.uri, namespace: 'sales', tables: { orders: 'orders_auth' }, credential_secret: 'catalog_client' } },
      });
      const run = await runCli(ws.jobFile, undefined, { DATIVO_SECRET_CATALOG_CLIENT: secret, DATIVO_LOG_LEVEL: 'debug' });
      expect(run.status, run.stderr).toBe(0);
      expect((await readIcebergTable(cat, 'sales.orders_auth')).rows).toHaveLength(500);
      const [token, ...calls] = proxy.seen;
      expect(token).toMatchObject({ method: 'POST', path: '/v1/oauth/tokens' });
      expect(new URLSearchParams(token!.body).get('client_secret')).toBe('Sx9-very-secret-credential');
      expect(calls.length).toBeGreaterThan(3);
      expect(new Set(calls.map((c) => c.auth))).toEqual(new Set(['Bearer client-credentials-token:sub=dativo-client']));
      for (const out of [run.stdout, run.stderr]) {
        expect(out).not.toContain('Sx9-very-secret-credential');
        expect(out).not.toContain('client-credentials-token');
      }
      expect(run.stderr).toMatch(/secret\.read/); // the audit record names the secret, not its value
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
