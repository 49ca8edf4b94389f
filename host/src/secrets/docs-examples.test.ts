/** Every `secrets:` example of docs/secrets.md is a block the job schema accepts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';
import { secretsSchema } from './secrets-schema.js';

function examples(): string[] {
  const docs = readFileSync(join(packageRoot, 'docs', 'secrets.md'), 'utf8');
  const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  // A block may hold several one-line examples: each `secrets:` line starts one.
  return blocks.flatMap((b) => b.split(/^(?=secrets:)/m)).filter((b) => b.startsWith('secrets:'));
}

describe('docs/secrets.md examples', () => {
  it('each parses and is accepted by the secrets: schema, for every manager', () => {
    const found = examples();
    const managers = found.map((text) => {
      const r = secretsSchema.safeParse((parse(text) as { secrets: unknown }).secrets);
      expect(r.error?.issues ?? [], text).toEqual([]);
      return r.data!.manager;
    });
    expect(new Set(managers)).toEqual(new Set(['env', 'file', 'vault', 'aws', 'gcp']));
  });
});
