import { parseArgs } from 'node:util';
import { runCommand } from '../../runtime/run-command.js';
import type { FilesystemGrant } from '../../capabilities/grant.js';
import { UsageError } from '../usage-error.js';

export const execHelp = `Usage: dativo-host exec COMPONENT [options] [-- ARGS...]

Runs a wasi:cli/command component in the plugin sandbox, as \`wasmtime run\` does:
nothing is granted but what the options name. The component's stdout and stderr are
dativo-host's own, and its exit code is dativo-host's exit code. An access the grants
refuse is an error code to the component (which may carry on) and an audit line on stderr.

Options:
  --dir HOST::GUEST[:ro]   grant a host directory at a guest path (read-write, or read-only with :ro)
  --allow-http URL         allow outbound HTTP to scheme://host[:port] (wildcards: *, *.example.com)
  --allow-tcp HOST:PORT    allow outbound TCP to host:port
  --env K=V                set an environment variable in the guest (none by default)
  --memory-mb N            linear memory limit (default 1024)
  --timeout-ms N           stop the component after N ms (default: none)
  --help                   this text
`;

export function parseDir(spec: string): FilesystemGrant {
  const m = /^(.+?)::(\/[^:]*)(:ro)?$/.exec(spec);
  if (!m) throw new UsageError(`--dir ${spec}: expected HOST::GUEST or HOST::GUEST:ro (GUEST absolute, e.g. ./data::/data:ro)`);
  return { host: m[1]!, guest: m[2]!, readOnly: m[3] === ':ro' };
}

export async function execCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', multiple: true },
      'allow-http': { type: 'string', multiple: true },
      'allow-tcp': { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      'memory-mb': { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(execHelp);
    return 0;
  }
  const [component, ...args] = positionals;
  if (!component) throw new UsageError('exec needs a COMPONENT (a .wasm command component)');
  const env = (values.env ?? []).map((kv): [string, string] => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--env ${kv}: expected K=V`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  });
  const num = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${v}: expected a positive whole number`);
    return n;
  };
  return runCommand({
    component,
    args,
    env,
    dirs: (values.dir ?? []).map(parseDir),
    allowHttp: values['allow-http'] ?? [],
    allowTcp: values['allow-tcp'] ?? [],
    memoryMb: num(values['memory-mb'], '--memory-mb'),
    timeoutMs: num(values['timeout-ms'], '--timeout-ms'),
  });
}
