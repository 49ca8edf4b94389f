/**
 * Outbound HTTP and TCP: the allow list, private addresses, redirects and name
 * lookups. The servers are real, on loopback; the plugins are built from source.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { runProbe } from '../helpers/probe.js';
import { MAX_HTTP_HANDLES, MAX_SOCKETS } from '../../host/src/capabilities/handle-budget.js';

let web: TestServer;
let other: TestServer;
beforeAll(async () => {
  web = await startHttpServer();
  other = await startHttpServer();
});
afterAll(async () => {
  await web.close();
  await other.close();
});

const deniedAudit = (r: Awaited<ReturnType<typeof runProbe>>) => r.logs.audits('capability.denied');

describe.each(['rust', 'ts'] as const)('outbound HTTP (%s plugin)', (lang) => {
  it('reaches a host granted by exact address', async () => {
    const r = await runProbe({ action: 'http-get', url: `${web.url}/` }, { lang, capabilities: { http: [web.url] } });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ ok: true, value: { status: 200, body: 'hello' } });
  });

  it('refuses a port not on the allow list: the guest gets an error, the host CAPABILITY_DENIED', async () => {
    const report = await runProbe({ action: 'http-get', url: `${other.url}/` }, { lang, capabilities: { http: [web.url] }, onDenial: 'report' });
    expect(report.report?.ok).toBe(false);
    if (lang === 'rust') expect(report.report?.error).toBe('HTTP-request-denied');
    expect(other.hits).toEqual([]);
    const strict = await runProbe({ action: 'http-get', url: `${other.url}/` }, { lang, capabilities: { http: [web.url] } });
    expect(strict.error?.code).toBe('CAPABILITY_DENIED');
    expect(strict.error?.details).toMatchObject({ capability: 'http', target: `http://127.0.0.1:${other.port}`, allowWith: `capabilities.http: ["http://127.0.0.1:${other.port}"]` });
    expect(deniedAudit(strict)).toHaveLength(1);
  });

  it('refuses cloud metadata (link-local) even under a wildcard grant', async () => {
    const r = await runProbe({ action: 'http-get', url: 'http://169.254.169.254/latest/meta-data/' }, { lang, capabilities: { http: ['http://*'] } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(String(r.error?.details.reason)).toMatch(/link-local/);
  });

  it('refuses loopback reached through a name (localhost) unless granted by address', async () => {
    const url = `http://localhost:${web.port}/by-name-${lang}`;
    const r = await runProbe({ action: 'http-get', url }, { lang, capabilities: { http: [`http://localhost:${web.port}`] } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(web.hits).not.toContain(`/by-name-${lang}`);
  });

  // An address granted for one pattern is not granted for another: 127.0.0.1 is granted
  // on web's port only, so a name under another pattern that resolves to it (localhost,
  // under a wildcard or by name) must not reach 127.0.0.1 on other's port.
  it.each([
    ['a wildcard host', (port: number) => `http://*:${port}`],
    ['a name', (port: number) => `http://localhost:${port}`],
  ])('an exact-address grant does not leak to %s on another port', async (_name, pattern) => {
    const path = `/leak-${lang}-${pattern(0).includes('*') ? 'wildcard' : 'name'}`;
    const http = [web.url, pattern(other.port)];
    const r = await runProbe({ action: 'http-get', url: `http://localhost:${other.port}${path}` }, { lang, capabilities: { http } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(String(r.error?.details.reason)).toMatch(/not granted by exact address/);
    expect(other.hits).not.toContain(path);
    // The exact-address grant itself still works.
    const ok = await runProbe({ action: 'http-get', url: `${web.url}${path}` }, { lang, capabilities: { http } });
    expect(ok.report).toMatchObject({ ok: true, value: { status: 200 } });
    expect(web.hits).toContain(path);
  });

  it('does not follow redirects: the 3xx reaches the guest and the next hop is checked again', async () => {
    const target = `${other.url}/secret`;
    const first = await runProbe({ action: 'http-get', url: `${web.url}/redirect?to=${encodeURIComponent(target)}` }, { lang, capabilities: { http: [web.url] } });
    expect(first.report).toMatchObject({ ok: true, value: { status: 302, location: target } });
    const second = await runProbe({ action: 'http-get', url: target }, { lang, capabilities: { http: [web.url] } });
    expect(second.error?.code).toBe('CAPABILITY_DENIED');
    expect(other.hits).not.toContain('/secret');
  });

  it('refuses everything when nothing is granted', async () => {
    const r = await runProbe({ action: 'http-get', url: `${web.url}/` }, { lang });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
  });
});

describe('HTTP requests held open (rust plugin)', () => {
  it('at most MAX_HTTP_HANDLES futures per instance: the guest gets connection-limit-reached, the host a denial', async () => {
    const http = [web.url];
    const url = `${web.url}/many`;
    const r = await runProbe({ action: 'http-many', url, count: 1000 }, { capabilities: { http }, onDenial: 'report' });
    expect(r.report).toMatchObject({ ok: false, error: `connection-limit-reached after ${MAX_HTTP_HANDLES}` });
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ capability: 'http', reason: expect.stringMatching(/open HTTP requests/) });
    const under = await runProbe({ action: 'http-many', url, count: 20 }, { capabilities: { http } });
    expect(under.report).toMatchObject({ ok: true, value: 20 });
    // What the guest drops is given back: many more requests, one at a time, all pass.
    const sequential = await runProbe({ action: 'http-many', url, count: MAX_HTTP_HANDLES * 2, wait: true }, { capabilities: { http } });
    expect(sequential.report).toMatchObject({ ok: true, value: MAX_HTTP_HANDLES * 2 });
  });
});

describe('TCP sockets (rust plugin)', () => {
  let tcp: Server;
  let port: number;
  beforeAll(async () => {
    tcp = createServer((s) => s.end('hi'));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    port = (tcp.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => tcp.close(() => resolve())));

  it('connects to a granted host:port', async () => {
    const r = await runProbe({ action: 'tcp-connect', host: '127.0.0.1', port }, { capabilities: { tcp: [`127.0.0.1:${port}`] } });
    expect(r.error).toBeUndefined();
    expect(r.report).toMatchObject({ ok: true });
  });

  it('refuses a TCP connection without a grant', async () => {
    const r = await runProbe({ action: 'tcp-connect', host: '127.0.0.1', port }, { onDenial: 'report' });
    expect(r.report).toMatchObject({ ok: false, error: 'access-denied' });
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ capability: 'sockets' });
  });

  it('refuses a port the grant does not name', async () => {
    const r = await runProbe({ action: 'tcp-connect', host: '127.0.0.1', port: port + 1 }, { capabilities: { tcp: [`127.0.0.1:${port}`] } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(r.error?.details).toMatchObject({ capability: 'sockets', target: `127.0.0.1:${port + 1}` });
  });

  it('an exact-address grant on one port does not allow that address on a port granted by name', async () => {
    const tcp = [`127.0.0.1:${port + 1}`, `localhost:${port}`];
    const r = await runProbe({ action: 'tcp-connect', host: '127.0.0.1', port }, { capabilities: { tcp } });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(r.error?.details).toMatchObject({ capability: 'sockets', target: `127.0.0.1:${port}` });
  });

  it('holds at most MAX_SOCKETS sockets per instance: the guest gets new-socket-limit, the host a denial', async () => {
    const tcp = [`127.0.0.1:${port}`];
    const r = await runProbe({ action: 'tcp-many', host: '127.0.0.1', port, count: 1000 }, { capabilities: { tcp }, onDenial: 'report' });
    expect(r.report).toMatchObject({ ok: false, error: `new-socket-limit after ${MAX_SOCKETS}` });
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ capability: 'sockets', reason: expect.stringMatching(/open sockets/) });
    const under = await runProbe({ action: 'tcp-many', host: '127.0.0.1', port, count: 20 }, { capabilities: { tcp } });
    expect(under.report).toMatchObject({ ok: true, value: 20 });
  });

  it('refuses name lookups of hosts no grant names', async () => {
    const r = await runProbe({ action: 'dns-lookup', name: 'example.org' }, { capabilities: { tcp: [`127.0.0.1:${port}`] }, onDenial: 'report' });
    expect(r.report).toMatchObject({ ok: false });
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ target: 'example.org' });
  });
});
