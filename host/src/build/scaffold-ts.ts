/**
 * Templates of `dativo-host plugin init NAME --lang ts`: a componentize-js plugin on the
 * TypeScript SDK (plugins-ts/sdk), with plugin.yaml and a config `plugin test` accepts.
 */
export interface TsTemplateInput {
  name: string;
  kind: 'reader' | 'writer';
  /** Import specifier of the SDK's entry module (relative inside the repository). */
  sdkImport: string;
}

export function tsTemplates(t: TsTemplateInput): Record<string, string> {
  return {
    'plugin.yaml': pluginYaml(t),
    'src/index.ts': t.kind === 'reader' ? reader(t) : writer(t),
    'test-config.json': `${JSON.stringify(t.kind === 'reader' ? { stream: 'greetings', count: 3 } : {}, null, 2)}\n`,
    '.gitignore': 'dist/\n',
    'README.md': `# ${t.name}\n\nA dativo ${t.kind} plugin (TypeScript, componentize-js).\n\n    dativo-host plugin build .     # -> dist/${t.name}.wasm and dist/plugin.yaml\n    dativo-host plugin test .      # build, then the ${t.kind} lifecycle in the sandbox\n    npm test                       # test/*.test.ts with vitest and dativo-host/testing\n\nSee docs/typescript-plugins.md and docs/testing-plugins.md in dativo-host.\n`,
  };
}

const pluginYaml = (t: TsTemplateInput) => `# Source manifest: \`dativo-host plugin build .\` writes dist/plugin.yaml (with the sha256).
name: ${t.name}
version: 0.1.0
kind: ${t.kind}
contract: 0.1.0
description: A TypeScript ${t.kind} made with dativo-host plugin init
# Grant only what the plugin needs, for example:
#   capabilities:
#     http: ["https://api.example.com"]
#     secrets: [api_token]
${t.kind === 'writer' ? `# A file writer: a folder grant builds the world file-writer-plugin (wasi:filesystem);
# import ${t.sdkImport.replace(/index\.js$/, 'files.js')} (docs/typescript-plugins.md, "Writers and files"):
#     filesystem: [{ guest: /out, access: read-write }]
` : ''}capabilities: {}
limits:
  memory_mb: 256
  call_timeout_ms: 30000
`;

const reader = (t: TsTemplateInput) => `/**
 * ${t.name}: emits \`count\` greeting records on one stream, as JSON Lines, with an
 * incremental checkpoint {"last_id": N}. Replace open() with your source.
 */
import { defineReader, JsonLinesBatch, log, PluginError } from '${t.sdkImport}';

interface Config {
  stream: string;
  count: number;
}

export const reader = defineReader<Config>({
  spec: {
    version: '0.1.0',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { stream: { type: 'string' }, count: { type: 'integer', minimum: 0 } },
    },
    encodings: ['json-lines'],
  },
  // The SDK hands over the plugin's own keys only: the job's incremental block arrives
  // as open()'s \`incremental\`. Unknown keys are refused, as the schema says.
  parseConfig(value) {
    const c = value as Partial<Config>;
    const unknown = Object.keys(c).filter((k) => k !== 'stream' && k !== 'count');
    if (unknown.length > 0) throw PluginError.config(\`unknown config key(s): \${unknown.join(', ')}\`);
    const count = c.count ?? 3;
    if (!Number.isInteger(count) || count < 0) throw PluginError.config('config.count must be a whole number >= 0');
    return { stream: c.stream ?? 'greetings', count };
  },
  discover(config) {
    return [{ name: config.stream, jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, greeting: { type: 'string' } } }, primaryKey: ['id'], cursorFields: ['id'], supportsIncremental: true }];
  },
  open({ config, checkpoint, incremental }) {
    if (incremental) log.debug(\`incremental read: \${incremental.strategy} on \${incremental.cursor_field}\`);
    let next = checkpoint ? (JSON.parse(checkpoint) as { last_id: number }).last_id + 1 : 1;
    const last = config.count;
    return {
      next() {
        if (next > last) return undefined;
        const batch = new JsonLinesBatch();
        for (; next <= last; next++) batch.add({ id: next, greeting: \`hello #\${next}\` });
        return batch.take(JSON.stringify({ last_id: last }));
      },
    };
  },
});
`;

const writer = (t: TsTemplateInput) => `/**
 * ${t.name}: counts the JSON Lines records it is given and reports them on commit.
 * Replace write() and commit() with your destination (nothing may be visible before commit).
 */
import { defineWriter, log, PluginError } from '${t.sdkImport}';

export const writer = defineWriter({
  spec: { version: '0.1.0', configSchema: { type: 'object', additionalProperties: false, properties: {} }, encodings: ['json-lines'] },
  // No keys of its own yet: any key is refused, as the schema says.
  parseConfig(value) {
    const unknown = Object.keys((value ?? {}) as object);
    if (unknown.length > 0) throw PluginError.config(\`unknown config key(s): \${unknown.join(', ')}\`);
    return {};
  },
  open({ stream }) {
    let records = 0;
    let bytes = 0;
    return {
      write(batch) {
        if (batch.encoding !== 'json-lines') throw PluginError.notSupported('json-lines batches only');
        for (const b of batch.bytes) if (b === 10) records++;
        bytes += batch.bytes.length;
      },
      commit() {
        log.info(\`\${stream.name}: \${records} records committed\`);
        return { records, bytes, locations: [] };
      },
      abort() {
        records = 0;
        bytes = 0;
      },
    };
  },
});
`;
