import { shimClocks as clocks, shimIo as io, shimRandom as random } from './shim.js';
import type { SandboxContext } from './context.js';
import type { EffectiveGrant } from './grant.js';
import { createGuardedFilesystem } from './filesystem/guarded-filesystem.js';
import { createGuardedHttp } from './http/guarded-http.js';
import { parseOriginPattern } from './http/origin.js';
import { createGuardedSockets } from './sockets/guarded-sockets.js';
import { createCli } from './stdio/stdio.js';
import { createSecretsInterface } from './secrets/secrets-interface.js';

/** Everything one instance's imports are built from; plain data, so it can cross to a worker. */
export interface SandboxSpec {
  plugin: string;
  grant: EffectiveGrant;
  /** Values of the granted environment variables (resolved by the host). */
  env: [string, string][];
  /** Values of the granted secrets (resolved by the host from the job's secret manager). */
  secrets: Record<string, string>;
  /** The kind of that manager (vault, aws, env, ...), named when a granted secret is missing. */
  secretManager?: string;
  args: string[];
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface SandboxHooks {
  log(level: LogLevel, message: string, fields: [string, string][]): void;
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

/**
 * The import object of one instance, keyed by interface name without version.
 * Deny by default: an interface is backed by a real implementation only through
 * its guard, built from this instance's effective grant.
 */
export function buildImports(spec: SandboxSpec, ctx: SandboxContext, hooks: SandboxHooks): Record<string, object> {
  const { grant } = spec;
  const cli = createCli({ env: spec.env, args: spec.args, stdout: hooks.stdout, stderr: hooks.stderr });
  const fs = createGuardedFilesystem(grant.filesystem, ctx);
  const http = createGuardedHttp(grant.http, ctx);
  const sockets = createGuardedSockets(grant.tcp, grant.http.map((p) => parseOriginPattern(p).host), ctx);

  return {
    'wasi:cli/environment': cli.environment,
    'wasi:cli/exit': cli.exit,
    'wasi:cli/stdin': cli.stdin,
    'wasi:cli/stdout': cli.stdout,
    'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin,
    'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:clocks/monotonic-clock': clocks.monotonicClock,
    'wasi:clocks/wall-clock': clocks.wallClock,
    'wasi:random/random': random.random,
    'wasi:random/insecure': random.insecure,
    'wasi:random/insecure-seed': random.insecureSeed,
    'wasi:io/error': io.error,
    'wasi:io/poll': io.poll,
    'wasi:io/streams': io.streams,
    'wasi:filesystem/preopens': fs.preopens,
    'wasi:filesystem/types': fs.types,
    'wasi:sockets/instance-network': sockets.instanceNetwork,
    'wasi:sockets/network': sockets.network,
    'wasi:sockets/ip-name-lookup': sockets.ipNameLookup,
    'wasi:sockets/tcp-create-socket': sockets.tcpCreateSocket,
    'wasi:sockets/tcp': sockets.tcp,
    'wasi:sockets/udp-create-socket': sockets.udpCreateSocket,
    'wasi:sockets/udp': sockets.udp,
    'wasi:http/types': http.types,
    'wasi:http/outgoing-handler': http.outgoingHandler,
    'dativo:plugin/types': {},
    'dativo:plugin/log': { log: hooks.log },
    'dativo:plugin/secrets': createSecretsInterface(grant.secrets, spec.secrets, ctx, spec.secretManager),
  };
}

/** Maps the specifiers a transpiled component asks for (maybe versioned) to implementations. */
export function resolveImports(wanted: string[], available: Record<string, object>): { imports: Record<string, object>; missing: string[] } {
  const imports: Record<string, object> = {};
  const missing: string[] = [];
  for (const spec of wanted) {
    const impl = available[spec.replace(/@[^/]*$/, '')];
    if (impl) imports[spec] = impl;
    else missing.push(spec);
  }
  return { imports, missing };
}
