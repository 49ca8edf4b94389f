/**
 * `plugin build`, `plugin manifest` and `plugin cargo-env`: the author's ways from sources
 * (or a component built elsewhere) to dist/plugin.yaml.
 */
import { parseArgs } from 'node:util';

import { buildPlugin } from '../../build/build-plugin.js';
import { cargoComponentEnv, requireCargoComponent } from '../../build/cargo-component.js';
import { manifestFromComponent } from '../../build/manifest-from-component.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const buildUsage = `  build DIR [--cargo-component] [--json]
                       build the plugin in DIR (a Rust crate or a TypeScript plugin with
                       plugin.yaml) into DIR/dist/: the component and a manifest with its
                       sha256. A dist/*.wasm this host did not build from these very
                       sources is rebuilt. --cargo-component: a Rust plugin through
                       \`cargo component build --release\` (cargo-component 0.21).
  manifest COMPONENT [--dir DIR] [--name NAME] [--version V] [--json]
                       write DIR/dist/plugin.yaml (DIR default .) for a component built
                       elsewhere: kind and contract from its exports, grants from
                       DIR/plugin.yaml if there is one (else none), the component copied
                       to DIR/dist/ with its sha256.
  cargo-env [--json]   print the environment \`cargo component build\` needs with Debian's
                       toolchain (eval "$(dativo-host plugin cargo-env)").`;

export async function buildCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'cargo-component': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('plugin build takes exactly one DIR');
  const result = await buildPlugin(positionals[0]!, {
    log: (l) => process.stderr.write(`${l}\n`),
    cargoComponent: values['cargo-component'],
  });
  if (values.json) printJson(result);
  else process.stdout.write(`${result.built ? 'built' : 'up to date'} (${result.route}): ${result.manifest}\n`);
  return 0;
}

export async function manifestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('plugin manifest takes exactly one COMPONENT');
  const result = await manifestFromComponent({ component: positionals[0]!, dir: values.dir ?? '.', name: values.name, version: values.version });
  if (values.json) printJson(result);
  else {
    process.stdout.write(`wrote ${result.manifest} (${result.kind}, contract ${result.contract})\n`);
    for (const u of result.ungranted) process.stdout.write(`note: imports ${u}: denied until granted\n`);
  }
  return 0;
}

/** The variables cargoComponentEnv sets for cargo-component, as shell exports or JSON. */
export function cargoEnvCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const binary = requireCargoComponent();
  const env = cargoComponentEnv(binary, {});
  const wanted = { PATH: `${env.PATH}:$PATH`, RUSTC: env.RUSTC, CARGO: env.CARGO, RUSTC_BOOTSTRAP: env.RUSTC_BOOTSTRAP };
  if (values.json) printJson({ ...wanted, PATH: env.PATH, cargoComponent: binary });
  else {
    // These would override the crate's .cargo/config.toml rustflags and target.
    process.stdout.write('unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET\n');
    for (const [k, v] of Object.entries(wanted)) process.stdout.write(`export ${k}="${v}"\n`);
    process.stdout.write(`# then, in the plugin crate: /usr/bin/cargo component build --release\n`);
  }
  return 0;
}
