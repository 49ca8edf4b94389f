import { isHostError } from '../errors/index.js';
import { exitCodeOf } from '../errors/exit-code.js';
import { UsageError } from './usage-error.js';

const help = `Usage: dativo-host <command> [options]

Commands:
  run JOB          run a job: source -> contract check -> Parquet -> atomic commit -> state
  check JOB        check a job and its reader's config without reading data
  discover JOB     list the streams the job's reader offers
  spec JOB         print the job's reader plugin spec
  exec COMPONENT   run a wasi:cli/command component in the sandbox
  plugin build DIR build a Rust or TypeScript plugin into DIR/dist
  plugin init NAME scaffold a plugin (--lang rust --kind reader|writer)
  plugin test DIR  build a plugin and run its lifecycle in the sandbox
  plugin review PATH | approve PATH | revoke NAME   security review of a plugin
  keys generate    an Ed25519 key pair for signing approvals
  state show|reset JOB   the job's incremental state (reset: --yes, audited)
  engines install ENGINE PKG   a Singer tap or Airbyte source from PyPI into a managed venv

Run \`dativo-host <command> --help\` for a command's options.
Exit codes: 0 success, 1 the work failed, 2 usage or configuration error.
`;

interface Command {
  run: (argv: string[]) => Promise<number>;
  help: string;
}

// Loaded on use: a command's modules (Ajv, the AWS SDK, the build toolchain...) cost
// start-up time only to the commands that need them.
const commands: Record<string, () => Promise<Command>> = {
  run: async () => {
    const m = await import('./commands/run.js');
    return { run: m.runCommand, help: m.runHelp };
  },
  check: () => lifecycle('check'),
  discover: () => lifecycle('discover'),
  spec: () => lifecycle('spec'),
  exec: async () => {
    const m = await import('./commands/exec.js');
    return { run: m.execCommand, help: m.execHelp };
  },
  plugin: async () => {
    const m = await import('./commands/plugin.js');
    return { run: m.pluginCommand, help: m.pluginHelp };
  },
  state: async () => {
    const m = await import('./commands/state.js');
    return { run: m.stateCommand, help: m.stateHelp };
  },
  keys: async () => {
    const m = await import('./commands/keys.js');
    return { run: m.keysCommand, help: m.keysHelp };
  },
  engines: async () => {
    const m = await import('./commands/engines.js');
    return { run: m.enginesCommand, help: m.enginesHelp };
  },
};

async function lifecycle(name: 'check' | 'discover' | 'spec'): Promise<Command> {
  const m = await import('./commands/lifecycle.js');
  return { run: m.lifecycleCommand(name), help: m.lifecycleHelp(name) };
}

const STARTS_A_PLUGIN = new Set(['run', 'check', 'discover', 'spec', 'exec']);

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const tiering = await import('../runtime/v8-tiering.js');
  tiering.tuneWasmTiering();
  tiering.tuneJsTiering();
  const pool = (await import('../runtime/worker-pool.js')).defaultWorkerPool;
  pool.keepSpares(0); // one-shot: no spare plugin worker
  // The plugin's worker boots (~100 ms) while the command loads and plans.
  if (name && STARTS_A_PLUGIN.has(name) && !rest.includes('--help') && !rest.includes('-h')) pool.prestart();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`dativo-host: unknown command "${name}"\n\n${help}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`dativo-host ${name}: ${(e as Error).message}\n\n${command.help}`);
      return 2;
    }
    if (isHostError(e)) {
      const wantsJson = rest.includes('--json');
      if (wantsJson) process.stdout.write(`${JSON.stringify({ status: 'failed', error: { code: e.code, message: e.message, retryable: e.retryable, details: e.details } }, null, 2)}\n`);
      process.stderr.write(`dativo-host ${name}: ${e.code}: ${e.message}\n`);
      return exitCodeOf(e);
    }
    process.stderr.write(`dativo-host ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
