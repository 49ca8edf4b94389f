import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { isIP } from 'node:net';

/*
 * Name lookups for policy checks happen inside synchronous WASI calls, so they block:
 * a tiny resolver thread does dns.lookup and wakes the caller through Atomics.
 */
const RESOLVER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const dns = require('node:dns');
parentPort.on('message', ({ host, port, flag }) => {
  dns.lookup(host, { all: true, verbatim: true }, (err, addrs) => {
    port.postMessage(err ? { error: err.code || String(err) } : { addresses: addrs.map((a) => a.address) });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
`;

let resolver: Worker | undefined;

export class LookupError extends Error {}

/** Resolves a host name to its addresses, blocking the calling thread (at most `timeoutMs`). */
export function lookupSync(host: string, timeoutMs = 5000): string[] {
  if (isIP(host)) return [host];
  resolver ??= new Worker(RESOLVER_SOURCE, { eval: true });
  resolver.unref();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  resolver.postMessage({ host, port: port2, flag }, [port2]);
  const waited = Atomics.wait(flag, 0, 0, timeoutMs);
  const reply = receiveMessageOnPort(port1)?.message as { error?: string; addresses?: string[] } | undefined;
  port1.close();
  if (waited === 'timed-out' || !reply) throw new LookupError(`lookup of ${host} timed out`);
  if (reply.error) throw new LookupError(`lookup of ${host} failed: ${reply.error}`);
  return reply.addresses ?? [];
}
