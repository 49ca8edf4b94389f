import { createShimSockets } from '../shim.js';
import type { SandboxContext } from '../context.js';
import { splitHostPort } from '../grant.js';
import { hostMatches } from '../http/origin.js';
import { canonicalIp, isRestrictedAddress } from './addresses.js';
import { lookupSync } from './sync-lookup.js';
import { HandleBudget, MAX_SOCKETS } from '../handle-budget.js';
import { Permission, type PermissionKind } from '../permission.js';

/* The shim's socket objects are untyped JS. */
/* eslint-disable @typescript-eslint/no-explicit-any */
type IpSocketAddress = { tag: 'ipv4' | 'ipv6'; val: { port: number; address: number[] } };

/** The text form of a WASI socket address (IPv6 compressed as URLs print it). */
const ipText = (a: IpSocketAddress): string =>
  a.tag === 'ipv4'
    ? a.val.address.join('.')
    : canonicalIp(new URL(`http://[${a.val.address.map((n) => n.toString(16)).join(':')}]`).hostname);

const TCP_METHODS = [
  'finishBind', 'finishConnect', 'finishListen', 'localAddress', 'remoteAddress', 'isListening', 'addressFamily',
  'setListenBacklogSize', 'keepAliveEnabled', 'setKeepAliveEnabled', 'keepAliveIdleTime', 'setKeepAliveIdleTime',
  'keepAliveInterval', 'setKeepAliveInterval', 'keepAliveCount', 'setKeepAliveCount', 'hopLimit', 'setHopLimit',
  'receiveBufferSize', 'setReceiveBufferSize', 'sendBufferSize', 'setSendBufferSize', 'subscribe', 'shutdown',
] as const;

interface TcpTarget {
  ip: string;
  port: number;
}

/**
 * A TCP grant (host, port) against a connect target, each grant on its own: its port; its
 * address exactly, or (for a name) one it resolves to, never a private one by name.
 */
const tcpKind: PermissionKind<[string, string], TcpTarget> = {
  capability: 'sockets',
  matches([host, p], { ip, port }) {
    if (p !== String(port)) return false;
    if (canonicalIp(host) === ip) return true;
    if (isRestrictedAddress(ip)) return false;
    try {
      return lookupSync(host).map(canonicalIp).includes(ip);
    } catch {
      return false;
    }
  },
  describe: ({ ip, port }) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`,
  allowWith: (t) => `capabilities.tcp: ["${tcpKind.describe(t)}"]`,
};

/**
 * wasi:sockets for one plugin instance: outbound TCP only, and only to a host:port a
 * grant names (a name grant allows the addresses it resolves to, except private ones,
 * which need a grant by exact address). No bind, no listen, no UDP. Name lookups only
 * for hosts named by a TCP or HTTP grant. Each grant is checked on its own (a private
 * address only for the grant naming it, on that grant's port); at most `budget.limit`
 * sockets at once.
 */
export function createGuardedSockets(
  tcpGrants: string[], httpHosts: string[], ctx: SandboxContext, budget = new HandleBudget(MAX_SOCKETS),
) {
  const inner = createShimSockets({ enableNetwork: tcpGrants.length > 0 || httpHosts.length > 0 });
  const grants = tcpGrants.map(splitHostPort);
  const lookupHosts = [...grants.map(([h]) => h), ...httpHosts];

  const deny = (api: string, target: string, reason: string, allowWith: string, errno = 'access-denied'): never => {
    ctx.deny({ capability: 'sockets', target, api, reason, allowWith });
    throw errno;
  };

  const permission = new Permission(tcpKind, grants);

  class TcpSocket {
    readonly #inner: any;
    constructor(innerSocket: any) {
      this.#inner = innerSocket;
    }
    static unwrap(s: TcpSocket): any {
      return s.#inner;
    }
    startBind() {
      return deny('wasi:sockets/tcp.tcp-socket.start-bind', 'bind', 'plugins may not bind or listen', '(not grantable)');
    }
    startListen() {
      return deny('wasi:sockets/tcp.tcp-socket.start-listen', 'listen', 'plugins may not bind or listen', '(not grantable)');
    }
    accept() {
      return deny('wasi:sockets/tcp.tcp-socket.accept', 'accept', 'plugins may not bind or listen', '(not grantable)');
    }
    startConnect(network: any, remote: IpSocketAddress) {
      const ip = ipText(remote);
      const target = `${remote.tag === 'ipv6' ? `[${ip}]` : ip}:${remote.val.port}`;
      const decision = permission.check({ ip, port: remote.val.port });
      if (!decision.allowed) deny('wasi:sockets/tcp.tcp-socket.start-connect', target, decision.reason, tcpKind.allowWith({ ip, port: remote.val.port }));
      ctx.audit('tcp.connect', { target });
      return this.#inner.startConnect(network, remote);
    }
  }
  for (const m of TCP_METHODS) {
    Object.defineProperty(TcpSocket.prototype, m, {
      value: function (this: TcpSocket, ...args: unknown[]) {
        return TcpSocket.unwrap(this)[m](...args);
      },
    });
  }
  const symbolDispose = (Symbol as any).dispose ?? Symbol.for('dispose');
  Object.defineProperty(TcpSocket.prototype, symbolDispose, {
    value: function (this: TcpSocket) {
      TcpSocket.unwrap(this)[symbolDispose]?.();
    },
  });

  return {
    instanceNetwork: inner.instanceNetwork,
    network: inner.network,
    ipNameLookup: {
      ...inner.ipNameLookup,
      resolveAddresses(network: any, name: string) {
        const host = name.toLowerCase();
        if (!lookupHosts.some((h) => hostMatches(h, host))) {
          deny('wasi:sockets/ip-name-lookup.resolve-addresses', name, 'lookups only for hosts named by a grant', `capabilities.tcp: ["${name}:<port>"]`);
        }
        return inner.ipNameLookup.resolveAddresses(network, name);
      },
    },
    tcpCreateSocket: {
      createTcpSocket(family: string) {
        if (grants.length === 0) {
          deny('wasi:sockets/tcp-create-socket.create-tcp-socket', 'tcp', 'no TCP grant', 'capabilities.tcp: ["<host>:<port>"]');
        }
        if (budget.full) {
          const reason = `limit of ${budget.limit} open sockets per instance reached`;
          deny('wasi:sockets/tcp-create-socket.create-tcp-socket', 'tcp', reason, '(not grantable: a host limit)', 'new-socket-limit');
        }
        return budget.track(new TcpSocket(inner.tcpCreateSocket.createTcpSocket(family)));
      },
    },
    tcp: { TcpSocket },
    udpCreateSocket: {
      createUdpSocket() {
        return deny('wasi:sockets/udp-create-socket.create-udp-socket', 'udp', 'UDP is not grantable', '(not grantable)');
      },
    },
    udp: inner.udp,
  };
}
