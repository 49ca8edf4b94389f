import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginError, PluginReportedError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { configViolations, explainConfigError, sourceConfigKey, sourceConfigKeyFor, targetConfigKey } from './plugin-config.js';

// The csv-reader's real config schema, as its spec() publishes it.
const csvSchema = JSON.parse(
  /CONFIG_SCHEMA: &str = r#"([\s\S]*?)"#;/.exec(readFileSync(join(packageRoot, 'plugins-rust/csv-reader/src/config.rs'), 'utf8'))![1]!,
) as Record<string, unknown>;
const files = ['/data/orders.csv'];
const refused = new PluginReportedError('csv-reader', {
  kind: 'config',
  code: 'CONFIG_INVALID',
  message: 'invalid config: unknown field `delimitr`, expected one of `files`, `delimiter` at line 1 column 40',
  retryable: false,
});
const spec = async () => ({ configSchema: csvSchema });

describe('a plugin config against the schema its spec publishes', () => {
  it('names the path, the closest valid key and the value', () => {
    expect(configViolations(csvSchema, { files, delimiter: ',' })).toEqual([]);
    expect(configViolations(csvSchema, { files, delimitr: ';' })).toEqual([{ path: ['delimitr'], message: 'unknown key (did you mean "delimiter"?)' }]);
    expect(configViolations(csvSchema, { files, delimiter: ';;' })).toEqual([{ path: ['delimiter'], message: 'must NOT have more than 1 characters (got ";;")' }]);
    expect(configViolations(csvSchema, { files, incremental: { strategy: 'cursr' } })).toEqual([
      { path: ['incremental', 'strategy'], message: 'must be one of "file_mtime", "cursor" (got "cursr")' },
    ]);
    expect(configViolations(csvSchema, {})).toEqual([{ path: ['files'], message: 'required key is missing' }]);
    expect(configViolations(csvSchema, { fils: files })).toEqual([
      { path: ['fils'], message: 'unknown key (did you mean "files"?)' },
      { path: ['files'], message: 'required key is missing' },
    ]);
  });

  it('maps reader config paths to the job keys plan.ts builds them from', () => {
    expect(sourceConfigKey(['delimiter'])).toBe('source.config.delimiter');
    expect(sourceConfigKey(['files', '0'])).toBe('source.files.0');
    expect(sourceConfigKey(['incremental', 'strategy'])).toBe('source.incremental.strategy');
    expect(targetConfigKey(['dir'])).toBe('target.config.dir');
    const keyOf = sourceConfigKeyFor({
      jobConfig: { has_header: true },
      recipe: { file: '/r/csv.yaml', default_config: { delimiter: ',', has_header: false } },
      filesKey: 'source.objects[1].files',
    });
    expect(keyOf(['has_header'])).toBe('source.config.has_header');
    expect(keyOf(['delimiter'])).toBe('default_config.delimiter of recipe /r/csv.yaml (set source.config.delimiter to override it)');
    expect(keyOf(['files', '0'])).toBe('source.objects[1].files.0');
    expect(keyOf(['incremental'])).toBe('source.incremental');
    expect(keyOf(['delimitr'])).toBe('source.config.delimitr');
  });
});

describe('a PLUGIN_CONFIG error restated in job keys', () => {
  it('names the job key, keeps the plugin code and message in details', async () => {
    const e = (await explainConfigError(refused, spec, { files, delimitr: ';' }, sourceConfigKey)) as PluginError;
    expect(e).not.toBe(refused);
    expect(e.code).toBe('PLUGIN_CONFIG');
    expect(e.message).toBe('plugin "csv-reader" refused its config: source.config.delimitr: unknown key (did you mean "delimiter"?)');
    expect(e.message).not.toMatch(/line \d+ column \d+/);
    expect(e.details).toMatchObject({ kind: 'config', pluginCode: 'CONFIG_INVALID', key: 'source.config.delimitr', pluginMessage: refused.message });
  });

  it('leaves the error as the plugin said it when the schema accepts the config, or it is not a config error', async () => {
    expect(await explainConfigError(refused, spec, { files, delimiter: 'é' }, sourceConfigKey)).toBe(refused);
    const data = new PluginReportedError('csv-reader', { kind: 'data', code: 'PARSE', message: 'x', retryable: false });
    expect(await explainConfigError(data, spec, { delimitr: 1 }, sourceConfigKey)).toBe(data);
    expect(await explainConfigError(refused, async () => ({ configSchema: { type: 'nonsense' } }), {}, sourceConfigKey)).toBe(refused);
  });
});
