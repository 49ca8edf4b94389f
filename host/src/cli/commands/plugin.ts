import { parseArgs } from 'node:util';
import { buildPlugin } from '../../build/build-plugin.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const pluginHelp = `Usage: dativo-host plugin <subcommand>

Subcommands:
  build DIR [--json]   build the plugin in DIR (a Rust crate or a TypeScript plugin with
                       plugin.yaml) into DIR/dist/: the component and a manifest with its
                       sha256. Unchanged plugins are not rebuilt.
`;

export async function pluginCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') return void process.stdout.write(pluginHelp), sub ? 0 : 2;
  if (sub !== 'build') throw new UsageError(`unknown plugin subcommand "${sub}"`);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('plugin build takes exactly one DIR');
  const result = await buildPlugin(positionals[0]!, { log: (l) => process.stderr.write(`${l}\n`) });
  if (values.json) printJson(result);
  else process.stdout.write(`${result.built ? 'built' : 'up to date'}: ${result.manifest}\n`);
  return 0;
}
