import { BlockList, isIP } from 'node:net';

/**
 * Addresses a plugin may reach only when a grant names them exactly: loopback,
 * private ranges, link-local (cloud metadata at 169.254.169.254), CGNAT, ULA,
 * unspecified, multicast and the IPv4-mapped forms of all of these.
 */
const restricted = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) restricted.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96],
] as const) restricted.addSubnet(net, bits, 'ipv6');

export function isRestrictedAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) throw new Error(`not an IP address: ${ip}`);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return restricted.check(mapped[1]!, 'ipv4');
  return restricted.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Canonical text of an IP for comparisons (IPv6 lowercased and bracket-free). */
export const canonicalIp = (ip: string): string => ip.replace(/^\[|\]$/g, '').toLowerCase();
