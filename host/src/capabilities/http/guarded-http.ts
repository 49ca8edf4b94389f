import { isIP } from 'node:net';
import { shimHttp } from '../shim.js';
import type { SandboxContext } from '../context.js';
import { Permission } from '../permission.js';
import { canonicalIp, isRestrictedAddress } from '../sockets/addresses.js';
import { lookupSync } from '../sockets/sync-lookup.js';
import { HandleBudget, MAX_HTTP_HANDLES } from '../handle-budget.js';
import { formatTarget, httpKind, httpTarget, originMatches, parseOriginPattern, type HttpTarget } from './origin.js';

const API = 'wasi:http/outgoing-handler.handle';
/* The shim's request objects are untyped JS. */
/* eslint-disable @typescript-eslint/no-explicit-any */

const schemeText = (s: { tag: string; val?: string } | undefined): string =>
  !s ? 'https' : s.tag === 'HTTP' ? 'http' : s.tag === 'HTTPS' ? 'https' : String(s.val).toLowerCase();

/**
 * wasi:http for one plugin instance. A request leaves only when its scheme://host:port
 * is on the allow list and every address the host resolves to is public, or is the
 * exact address named by a pattern that matches this very request (scheme, host and
 * port together: an address granted for one port or scheme is not granted for another,
 * and never to a name that resolves to it). Redirects are not followed here: the guest
 * sees the 3xx and its next request is checked again. A refusal is the WASI error
 * HTTP-request-denied, never a trap. At most `budget.limit` futures, responses and bodies
 * open at once: past it a request fails with connection-limit-reached.
 */
export function createGuardedHttp(
  allow: string[], ctx: SandboxContext, budget = new HandleBudget(MAX_HTTP_HANDLES),
) {
  const patterns = allow.map(parseOriginPattern);
  const permission = new Permission(httpKind, patterns);

  const deny = (target: string, reason: string, allowWith: string): never => {
    ctx.deny({ capability: 'http', target, api: API, reason, allowWith });
    throw { tag: 'HTTP-request-denied' };
  };

  // The restricted addresses this request may reach: those its matching patterns name.
  const exactAddressesFor = (t: HttpTarget): Set<string> =>
    new Set(patterns.filter((p) => originMatches(p, t) && isIP(p.host)).map((p) => canonicalIp(p.host)));

  const checkAddresses = (t: HttpTarget): void => {
    const exactAddresses = exactAddressesFor(t);
    let addresses: string[];
    try {
      addresses = lookupSync(t.host);
    } catch {
      throw { tag: 'DNS-error', val: { rcode: 'lookup failed', infoCode: undefined } };
    }
    for (const ip of addresses) {
      if (isRestrictedAddress(ip) && !exactAddresses.has(canonicalIp(ip))) {
        deny(
          formatTarget(t),
          `${t.host} resolves to ${ip}, a private, loopback or link-local address not granted by exact address`,
          `capabilities.http: ["${t.scheme}://${ip.includes(':') ? `[${ip}]` : ip}:${t.port}"]`,
        );
      }
    }
  };

  // A response and its body hold the request's socket as long as the future did.
  const trackResponse = (response: any) => {
    budget.track(response);
    const consume = response.consume.bind(response);
    Object.defineProperty(response, 'consume', { value: () => budget.track(consume()) });
  };
  const trackFuture = (future: any) => {
    budget.track(future);
    const get = future.get.bind(future);
    Object.defineProperty(future, 'get', {
      value: () => {
        const ret = get();
        if (ret?.tag === 'ok' && ret.val?.tag === 'ok') trackResponse(ret.val.val);
        return ret;
      },
    });
    return future;
  };

  return {
    ...shimHttp,
    outgoingHandler: {
      handle(request: any, options: any) {
        const authority: string | undefined = request.authority();
        if (!authority) return deny('(no authority)', 'request has no host', 'capabilities.http: ["https://<host>:443"]');
        let target: HttpTarget;
        try {
          target = httpTarget(schemeText(request.scheme()), authority);
        } catch {
          return deny(authority, 'malformed authority', 'capabilities.http: ["https://<host>:443"]');
        }
        const decision = permission.check(target);
        if (!decision.allowed) deny(formatTarget(target), decision.reason, httpKind.allowWith(target));
        checkAddresses(target);
        if (budget.full) {
          const reason = `limit of ${budget.limit} open HTTP requests and responses per instance reached`;
          const allowWith = '(not grantable: a host limit)';
          ctx.deny({ capability: 'http', target: formatTarget(target), api: API, reason, allowWith });
          throw { tag: 'connection-limit-reached' };
        }
        ctx.audit('http.request', { target: formatTarget(target), path: request.pathWithQuery?.() });
        return trackFuture(shimHttp.outgoingHandler.handle(request, options));
      },
    },
  };
}
