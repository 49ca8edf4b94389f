import { parseArgs } from 'node:util';
import { scaffoldPlugin, type ScaffoldKind, type ScaffoldLang } from '../../build/scaffold.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';
import { parseBindings, pluginTestUsage, runPluginTest } from './plugin-test.js';
import { buildCommand, buildUsage, cargoEnvCommand, manifestCommand } from './plugin-build.js';
import { approveCommand, reviewCommand, reviewUsage, revokeCommand } from './plugin-review.js';

const initUsage = `  init NAME --kind reader|writer [--lang rust|ts] [--dir DIR] [--json]
                       write a new plugin into DIR (default ./NAME, new or empty): Rust
                       (default) over the SDK crate plugins-rust/dativo-plugin-sdk
                       (Cargo.toml, src/lib.rs), or TypeScript over plugins-ts/sdk
                       (src/index.ts); plugin.yaml and test-config.json either way. It
                       passes \`plugin test\` as is and runs in a job (the job's incremental
                       block reaches it as the read request's incremental settings).`;

export const pluginHelp = `Usage: dativo-host plugin <subcommand>

Subcommands:
${buildUsage}
${initUsage}
${pluginTestUsage}
${reviewUsage}
`;

export async function pluginCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') return void process.stdout.write(pluginHelp), sub ? 0 : 2;
  if (sub === 'build') return buildCommand(rest);
  if (sub === 'manifest') return manifestCommand(rest);
  if (sub === 'cargo-env') return cargoEnvCommand(rest);
  if (sub === 'init') return init(rest);
  if (sub === 'test') return test(rest);
  if (sub === 'review') return reviewCommand(rest);
  if (sub === 'approve') return approveCommand(rest);
  if (sub === 'revoke') return revokeCommand(rest);
  throw new UsageError(`unknown plugin subcommand "${sub}"`);
}

async function init(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      lang: { type: 'string', default: 'rust' },
      kind: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(`Usage: dativo-host plugin\n${initUsage}\n`), 0;
  if (positionals.length !== 1) throw new UsageError('plugin init takes exactly one NAME');
  if (values.lang !== 'rust' && values.lang !== 'ts') throw new UsageError(`--lang ${values.lang}: plugin init supports rust and ts`);
  if (values.kind !== 'reader' && values.kind !== 'writer') throw new UsageError('plugin init needs --kind reader or --kind writer');
  const result = scaffoldPlugin({ name: positionals[0]!, lang: values.lang as ScaffoldLang, kind: values.kind as ScaffoldKind, dir: values.dir });
  if (values.json) printJson(result);
  else {
    process.stdout.write(`created ${result.dir}: ${result.files.join(', ')}\n`);
    process.stdout.write(`SDK: ${'path' in result.sdk ? `path ${result.sdk.path}` : `version ${result.sdk.version} (not published: edit Cargo.toml)`}\n`);
    process.stdout.write(`next: dativo-host plugin test ${result.dir}\n`);
  }
  return 0;
}

async function test(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, bind: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('plugin test takes exactly one DIR');
  const result = await runPluginTest({
    dir: positionals[0]!,
    configFile: values.config,
    bindings: parseBindings(values.bind),
    print: values.json ? () => undefined : undefined,
  });
  if (values.json) printJson(result);
  return result.ok ? 0 : 1;
}
