import { parseArgs } from 'node:util';
import { ENGINES, type EngineName } from '../../engines/engine-config.js';
import { installConnector } from '../../engines/install.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const enginesHelp = `Usage: dativo-host engines install singer|airbyte PACKAGE[==VERSION] [--python PY] [--json]

Installs a Singer tap or an Airbyte source from PyPI into its own virtualenv under the
cache folder (\${DATIVO_CACHE_DIR:-~/.cache/dativo-host}/venvs/ENGINE/PACKAGE). A job then
names it with source.engine_config.package (and .executable when the command is not the
package's name). Connectors run OUTSIDE the WebAssembly sandbox (docs/engines.md).
`;

export async function enginesCommand(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === '--help' || sub === '-h' || args.includes('--help')) return void process.stdout.write(enginesHelp), 0;
  if (sub !== 'install') throw new UsageError(sub ? `unknown engines subcommand "${sub}"` : 'engines needs a subcommand: install');
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { python: { type: 'string' }, json: { type: 'boolean' } } });
  const [engine, spec, ...extra] = positionals;
  if (!engine || !ENGINES.includes(engine as EngineName)) throw new UsageError(`engines install needs an engine: ${ENGINES.join(' or ')}`);
  if (!spec || extra.length > 0) throw new UsageError('engines install takes one PACKAGE[==VERSION]');
  const r = installConnector(engine as EngineName, spec, { python: values.python, log: (l) => process.stderr.write(`${l}\n`) });
  if (values.json) printJson(r);
  else process.stdout.write(`${r.installed ? 'installed' : 'already installed'}: ${engine} ${r.spec} in ${r.venv}\n`);
  return 0;
}
