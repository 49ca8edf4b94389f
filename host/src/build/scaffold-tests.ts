/**
 * The tests `plugin init` writes with every plugin, Rust or TypeScript: `npm test` runs
 * them with vitest, against the plugin built and run in the host's sandbox by
 * dativo-host/testing; a Rust crate's `cargo test --lib` runs its pure logic first
 * (src/logic.rs, on the build machine's own target).
 *
 * How the plugin finds dativo-host: vitest.config.ts aliases `dativo-host/testing` to the
 * installation plugin init ran from, as a path relative to the plugin folder (like the
 * SDK's path): node_modules/dativo-host/... in a project, ../.. in a checkout. A reinstall
 * keeps that path; moving the plugin folder alone breaks it. vitest comes from the
 * enclosing project (npm test looks for it up the folders), as dativo-host's own
 * devDependency in a checkout.
 */
import type { ScaffoldKind, ScaffoldLang } from './scaffold.js';

export interface TestTemplateInput {
  name: string;
  kind: ScaffoldKind;
  lang: ScaffoldLang;
  /** dativo-host/testing's entry (dist/testing/index.js), relative to the plugin folder. */
  kitPath: string;
}

export function testTemplates(t: TestTemplateInput): Record<string, string> {
  return {
    'package.json': packageJson(t),
    'vitest.config.ts': vitestConfig(t),
    'test/plugin.test.ts': t.kind === 'reader' ? readerTest(t) : writerTest(t),
  };
}

const packageJson = (t: TestTemplateInput) =>
  `${JSON.stringify(
    {
      name: t.name,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `A dativo ${t.kind} plugin: npm test runs its tests (test/, with dativo-host/testing)`,
      scripts: { test: t.lang === 'rust' ? 'cargo test --lib && vitest run' : 'vitest run' },
    },
    null,
    2,
  )}\n`;

const vitestConfig = (t: TestTemplateInput) => `// \`npm test\`: vitest, with dativo-host/testing from the dativo-host that \`plugin init\`
// ran from (the path of its SDK too): relative, so it survives a reinstall and a git
// clone of a project; move this folder and the path needs updating.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { 'dativo-host/testing': fileURLToPath(new URL(${JSON.stringify(t.kitPath)}, import.meta.url)) } },
  // The first build of a plugin takes a while (a Rust crate's first build several minutes).
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 900_000 },
});
`;

const header = (t: TestTemplateInput) => `/**
 * ${t.name}'s own tests (\`npm test\`): the plugin built by \`dativo-host plugin build\`
 * (cached by source) and run in the host's sandbox, as a job runs it, by
 * dativo-host/testing. Grants for a test go in buildTestPlugin's \`grants\` (folders,
 * http, env, secrets); docs/testing-plugins.md in dativo-host lists the helpers.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
`;

const readerTest = (t: TestTemplateInput) => `${header(t)}import { buildTestPlugin, type TestPlugin } from 'dativo-host/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));
let plugin: TestPlugin;

beforeAll(async () => {
  plugin = await buildTestPlugin(dir);
});
afterAll(() => plugin?.close());

describe('${t.name}', () => {
  it('reads its stream as rows, with a checkpoint', async () => {
    const read = await plugin.read({ config: { stream: 'greetings', count: 3 } });
    expect(read.request.stream).toBe('greetings');
    expect(read.rows).toEqual([1, 2, 3].map((id) => ({ id, greeting: \`hello #\${id}\` })));
    expect(read.checkpoint).toBe(JSON.stringify({ last_id: 3 }));
  });

  it('resumes after the checkpoint of an earlier read', async () => {
    const first = await plugin.read({ config: { count: 2 } });
    const next = await plugin.resume(first, { config: { count: 4 } });
    expect(next.rows.map((r) => r.id)).toEqual([3, 4]);
  });

  it('refuses a config key it does not know', async () => {
    const reader = await plugin.openReader();
    await expect(reader.check({ count: 1, colour: 'red' })).rejects.toMatchObject({ code: 'PLUGIN_CONFIG' });
  });
});
`;

const writerTest = (t: TestTemplateInput) => `${header(t)}import { buildTestPlugin, jsonLinesBatch, type TestPlugin } from 'dativo-host/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));
const stream = { name: 'sample', jsonSchema: { type: 'object' }, primaryKey: ['id'], cursorFields: [], supportsIncremental: false };
let plugin: TestPlugin;

beforeAll(async () => {
  plugin = await buildTestPlugin(dir);
});
afterAll(() => plugin?.close());

describe('${t.name}', () => {
  it('writes the rows it is given and reports them on commit', async () => {
    const writer = await plugin.openWriter();
    const sink = await writer.openSink({}, stream);
    await sink.write(jsonLinesBatch([{ id: 1 }, { id: 2 }, { id: 3 }]));
    expect(await sink.commit()).toMatchObject({ records: 3 });
  });

  it('refuses a config key it does not know', async () => {
    const writer = await plugin.openWriter();
    await expect(writer.check({ colour: 'red' })).rejects.toMatchObject({ code: 'PLUGIN_CONFIG' });
  });
});
`;
