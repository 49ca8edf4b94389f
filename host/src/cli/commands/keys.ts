import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument, stringify } from 'yaml';
import { generateKeys } from '../../capabilities/review/signing.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const keysHelp = `Usage: dativo-host keys generate --out PREFIX [--owner NAME] [--trust FILE] [--json]

Makes an Ed25519 key pair for signing plugin approvals: PREFIX.key (private, mode 0600)
and PREFIX.pub.pem. --trust FILE adds the public key to a trusted keys file (created if
absent), which a job names with policy.trusted_keys (or DATIVO_TRUSTED_KEYS).
`;

export async function keysCommand(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === '--help' || sub === '-h' || args.includes('--help')) return void process.stdout.write(keysHelp), 0;
  if (sub !== 'generate') throw new UsageError(sub ? `unknown keys subcommand "${sub}"` : 'keys needs a subcommand: generate');
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, owner: { type: 'string' }, trust: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.out) throw new UsageError('keys generate needs --out PREFIX');
  const priv = resolve(`${values.out}.key`);
  const pub = resolve(`${values.out}.pub.pem`);
  if (existsSync(priv)) throw new UsageError(`${priv} exists: not overwriting a key`);
  const k = generateKeys();
  writeFileSync(priv, k.privatePem, { mode: 0o600 });
  chmodSync(priv, 0o600);
  writeFileSync(pub, k.publicPem);
  const owner = values.owner ?? 'reviewer';
  if (values.trust) addTrusted(resolve(values.trust), { id: k.id, owner, public_key: k.publicPem });
  if (values.json) printJson({ id: k.id, owner, private: priv, public: pub, trusted: values.trust ? resolve(values.trust) : null });
  else process.stdout.write(`key ${k.id}: private ${priv}, public ${pub}${values.trust ? `, trusted in ${resolve(values.trust)}` : ''}\n`);
  return 0;
}

function addTrusted(file: string, entry: { id: string; owner: string; public_key: string }): void {
  const doc = existsSync(file) ? (parseDocument(readFileSync(file, 'utf8')).toJS() as { keys?: unknown[] } | null) : null;
  const keys = [...(doc?.keys ?? []), entry];
  writeFileSync(file, stringify({ keys }, { lineWidth: 0 }));
}
