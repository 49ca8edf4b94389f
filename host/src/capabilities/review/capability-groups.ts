import { unversioned } from './inspect-component.js';

/** The capability an imported interface needs, as a reviewer reads it. */
export type CapabilityGroup =
  | 'filesystem' | 'http' | 'sockets-tcp' | 'sockets-udp' | 'sockets-name-lookup' | 'sockets-network'
  | 'environment' | 'stdio' | 'clocks' | 'random' | 'dativo-log' | 'dativo-secrets'
  | 'base' | 'other';

/**
 * The manifest capability whose grant backs a group; undefined: nothing to grant (the
 * host provides it to every instance: stdio goes to the log, clocks, random, io, log).
 * UDP has no grant kind: every UDP call is refused.
 */
export const GRANT_OF: Partial<Record<CapabilityGroup, 'filesystem' | 'http' | 'tcp' | 'env' | 'secrets' | 'none'>> = {
  filesystem: 'filesystem',
  http: 'http',
  'sockets-tcp': 'tcp',
  'sockets-udp': 'none',
  environment: 'env',
  'dativo-secrets': 'secrets',
};

const BY_INTERFACE: Record<string, CapabilityGroup> = {
  'wasi:filesystem/types': 'filesystem',
  'wasi:filesystem/preopens': 'filesystem',
  'wasi:http/types': 'http',
  'wasi:http/outgoing-handler': 'http',
  'wasi:sockets/tcp': 'sockets-tcp',
  'wasi:sockets/tcp-create-socket': 'sockets-tcp',
  'wasi:sockets/udp': 'sockets-udp',
  'wasi:sockets/udp-create-socket': 'sockets-udp',
  'wasi:sockets/ip-name-lookup': 'sockets-name-lookup',
  'wasi:sockets/network': 'sockets-network',
  'wasi:sockets/instance-network': 'sockets-network',
  'wasi:cli/environment': 'environment',
  'wasi:cli/stdin': 'stdio',
  'wasi:cli/stdout': 'stdio',
  'wasi:cli/stderr': 'stdio',
  'wasi:cli/terminal-input': 'stdio',
  'wasi:cli/terminal-output': 'stdio',
  'wasi:cli/terminal-stdin': 'stdio',
  'wasi:cli/terminal-stdout': 'stdio',
  'wasi:cli/terminal-stderr': 'stdio',
  'wasi:cli/exit': 'base',
  'wasi:clocks/monotonic-clock': 'clocks',
  'wasi:clocks/wall-clock': 'clocks',
  'wasi:random/random': 'random',
  'wasi:random/insecure': 'random',
  'wasi:random/insecure-seed': 'random',
  'wasi:io/error': 'base',
  'wasi:io/poll': 'base',
  'wasi:io/streams': 'base',
  'dativo:plugin/types': 'base',
  'dativo:plugin/log': 'dativo-log',
  'dativo:plugin/secrets': 'dativo-secrets',
};

export const groupOf = (name: string): CapabilityGroup => BY_INTERFACE[unversioned(name)] ?? 'other';

/** Imports by group, in a fixed order, each list as the component names them. */
export function groupImports(imports: string[]): Partial<Record<CapabilityGroup, string[]>> {
  const order = Object.keys(DESCRIPTION) as CapabilityGroup[];
  const out: Partial<Record<CapabilityGroup, string[]>> = {};
  for (const g of order) {
    const names = imports.filter((i) => groupOf(i) === g).sort();
    if (names.length > 0) out[g] = names;
  }
  return out;
}

/** One line per group, for the text report. */
export const DESCRIPTION: Record<CapabilityGroup, string> = {
  filesystem: 'filesystem (needs capabilities.filesystem)',
  http: 'outgoing HTTP (needs capabilities.http)',
  'sockets-tcp': 'TCP sockets (needs capabilities.tcp)',
  'sockets-udp': 'UDP sockets (no grant exists: always refused)',
  'sockets-name-lookup': 'DNS name lookup (granted hosts only)',
  'sockets-network': 'socket network handle (granted addresses only)',
  environment: 'environment variables and args (needs capabilities.env)',
  stdio: 'stdin, stdout, stderr (stdin empty, output to the log)',
  clocks: 'clocks',
  random: 'random numbers',
  'dativo-log': 'dativo log (to the host log)',
  'dativo-secrets': 'dativo secrets (needs capabilities.secrets)',
  base: 'streams, poll, errors, exit, dativo types (no grant needed)',
  other: 'not provided by this host (the component cannot be instantiated)',
};
