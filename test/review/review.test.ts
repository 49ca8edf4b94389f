/**
 * `plugin review` of the shipped plugins, through the CLI: the imports are read from the
 * component binary (names and versions, grouped by capability), set against the grants
 * its manifest asks for. A manifest asking for a capability the component never imports
 * is a blocking finding that `plugin approve` refuses unless it is accepted by id.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { approvePlugin } from '../../host/src/capabilities/review/approve.js';
import { reviewPlugin } from '../../host/src/capabilities/review/review.js';
import { runCli } from '../helpers/run-cli.js';
import { REPO, sha256File, shippedComponent, writeManifest } from '../helpers/fixtures.js';
import { copyDist, reviewWorkspace, shippedManifest, shippedPlugin } from './workspace.js';

interface ReviewJson {
  plugin: { name: string; kind: string; builtFor: string; sha256: string; language: string[]; toolchain: string[] };
  imports: Record<string, string[]>;
  exports: string[];
  capabilities: Record<string, unknown[]>;
  findings: { id: string; severity: string; blocking: boolean }[];
}

const review = (path: string, ...more: string[]): ReviewJson => {
  const r = runCli(['plugin', 'review', path, '--json', ...more]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ReviewJson;
};

const cli = ['stderr', 'stdin', 'stdout'].map((i) => `wasi:cli/${i}@0.2.12`);
const terminals = ['terminal-input', 'terminal-output', 'terminal-stderr', 'terminal-stdin', 'terminal-stdout'].map((i) => `wasi:cli/${i}@0.2.12`);
const fsImports = ['wasi:filesystem/preopens@0.2.12', 'wasi:filesystem/types@0.2.12'];
const clocks = ['wasi:clocks/monotonic-clock@0.2.12', 'wasi:clocks/wall-clock@0.2.12'];
const io = ['wasi:io/error@0.2.12', 'wasi:io/streams@0.2.12'];

describe('plugin review of the shipped plugins', () => {
  it('csv-reader: exactly its imports, grouped; the filesystem grant it uses; built with Rust', () => {
    const r = review(shippedPlugin('csv-reader'));
    expect(r.plugin).toMatchObject({ name: 'csv-reader', kind: 'reader', builtFor: 'reader@0.1.0' });
    expect(r.plugin.language).toContain('Rust');
    expect(r.plugin.toolchain.some((t) => t.startsWith('wit-bindgen-rust '))).toBe(true);
    expect(r.imports).toEqual({
      filesystem: fsImports,
      environment: ['wasi:cli/environment@0.2.12'],
      stdio: [...cli, ...terminals].sort(),
      clocks,
      random: ['wasi:random/random@0.2.12'],
      'dativo-log': ['dativo:plugin/log@0.1.0'],
      base: ['dativo:plugin/types@0.1.0', 'wasi:cli/exit@0.2.12', ...io],
    });
    expect(r.exports).toEqual(['dativo:plugin/reader@0.1.0']);
    expect(r.capabilities.filesystem).toEqual([{ guest: '/data', access: 'read' }]);
    expect(r.findings.filter((f) => f.blocking)).toEqual([]);
    expect(r.findings.map((f) => f.id)).toEqual(['ungranted-import:environment', 'limit:memory_mb', 'limit:call_timeout_ms', 'limit:max_batch_bytes']);
  });

  it('rest-api-reader: HTTP and secrets imported and granted; filesystem imported, not granted', () => {
    const r = review(shippedManifest('rest-api-reader'));
    expect(r.imports).toEqual({
      filesystem: fsImports,
      http: ['wasi:http/outgoing-handler@0.2.12', 'wasi:http/types@0.2.12'],
      environment: ['wasi:cli/environment@0.2.12'],
      stdio: cli,
      clocks,
      random: ['wasi:random/random@0.2.12'],
      'dativo-log': ['dativo:plugin/log@0.1.0'],
      'dativo-secrets': ['dativo:plugin/secrets@0.1.0'],
      base: ['dativo:plugin/types@0.1.0', 'wasi:cli/exit@0.2.12', 'wasi:io/error@0.2.12', 'wasi:io/poll@0.2.12', 'wasi:io/streams@0.2.12'],
    });
    expect(r.capabilities).toMatchObject({ http: ['https://api.example.com'], secrets: ['api_token'] });
    expect(r.findings.map((f) => f.id)).toEqual([
      'ungranted-import:filesystem', 'ungranted-import:environment', 'secret:api_token', 'limit:call_timeout_ms',
    ]);
  });

  it('jsonl-writer: a writer with a read-write folder, no log import', () => {
    const r = review(shippedManifest('jsonl-writer'));
    expect(r.plugin).toMatchObject({ name: 'jsonl-writer', kind: 'writer', builtFor: 'writer@0.1.0' });
    expect(r.imports).toEqual({
      filesystem: fsImports,
      environment: ['wasi:cli/environment@0.2.12'],
      stdio: [...cli, ...terminals].sort(),
      clocks: ['wasi:clocks/wall-clock@0.2.12'],
      random: ['wasi:random/random@0.2.12'],
      base: ['dativo:plugin/types@0.1.0', 'wasi:cli/exit@0.2.12', ...io],
    });
    expect(r.exports).toEqual(['dativo:plugin/writer@0.1.0']);
    expect(r.findings.find((f) => f.id === 'read-write:/out')).toMatchObject({ severity: 'medium', blocking: false });
  });

  it('the text report shows the groups, the grants and the findings', () => {
    const r = runCli(['plugin', 'review', shippedPlugin('rest-api-reader')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('outgoing HTTP (needs capabilities.http)\n    wasi:http/outgoing-handler@0.2.12\n    wasi:http/types@0.2.12');
    expect(r.stdout).toMatch(/http +https:\/\/api\.example\.com/);
    expect(r.stdout).toContain('LOW    secret:api_token');
  });
});

describe('plugin review of the shipped TypeScript plugins (componentize-js)', () => {
  const built: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of ['rest-api-reader', 'log-writer']) {
      built[name] = (await buildPlugin(join(REPO, 'plugins-ts', name), { log: () => undefined })).manifest;
    }
  }, 600_000);
  // componentize-js links wasi:http 0.2.10 beside the 0.2.12 of everything else.
  const tsImports = {
    filesystem: fsImports,
    http: ['wasi:http/outgoing-handler@0.2.10', 'wasi:http/types@0.2.10'],
    stdio: [...cli, ...terminals].sort(),
    clocks,
    random: ['wasi:random/random@0.2.12'],
    'dativo-log': ['dativo:plugin/log@0.1.0'],
    'dativo-secrets': ['dativo:plugin/secrets@0.1.0'],
    base: ['dativo:plugin/types@0.1.0', 'wasi:io/error@0.2.12', 'wasi:io/poll@0.2.12', 'wasi:io/streams@0.2.12'],
  };

  it('rest-api-reader-ts: the same imports as every componentize-js build, JavaScript', () => {
    const r = review(built['rest-api-reader']!);
    expect(r.plugin).toMatchObject({ name: 'rest-api-reader-ts', builtFor: 'reader@0.1.0' });
    expect(r.plugin.language).toContain('JavaScript');
    expect(r.plugin.toolchain.some((t) => t.startsWith('ComponentizeJS '))).toBe(true);
    expect(r.imports).toEqual(tsImports);
    expect(r.findings.map((f) => f.id)).toEqual(['ungranted-import:filesystem', 'secret:api_token', 'limit:call_timeout_ms']);
  });

  it('log-writer-ts: no HTTP grant, so no wasi:http import (built without the http feature); secrets imported, not granted', () => {
    const r = review(built['log-writer']!);
    expect(r.exports).toEqual(['dativo:plugin/writer@0.1.0']);
    const { http: _http, ...withoutHttp } = tsImports;
    expect(r.imports).toEqual(withoutHttp);
    expect(r.findings.map((f) => f.id)).toEqual(['ungranted-import:filesystem', 'ungranted-import:dativo-secrets']);
  });
});

describe('a grant the component cannot use', () => {
  it('HTTP asked by a component with no wasi:http import is flagged, and blocks approval until accepted', () => {
    const ws = reviewWorkspace();
    const manifest = writeManifest(shippedComponent('csv-reader'), {
      name: 'csv-reader',
      capabilities: { filesystem: [{ guest: '/data', access: 'read' }], http: ['https://api.example.com'] },
    });
    const r = review(manifest, '--lock', ws.lock);
    expect(r.findings.find((f) => f.id === 'unused-grant:http')).toMatchObject({ severity: 'high', blocking: true });
    expect(r.findings.filter((f) => f.blocking).map((f) => f.id)).toEqual(['unused-grant:http']);

    const refused = runCli(['plugin', 'approve', manifest, '--reviewer', 'alice', '--key', ws.key, '--lock', ws.lock]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('REVIEW_UNRESOLVED_FINDINGS');
    expect(refused.stderr).toContain('--accept unused-grant:http');

    const accepted = runCli(['plugin', 'approve', manifest, '--reviewer', 'alice', '--key', ws.key, '--lock', ws.lock, '--accept', 'unused-grant:http', '--json']);
    expect(accepted.status).toBe(0);
    expect(JSON.parse(accepted.stdout).approval).toMatchObject({ name: 'csv-reader', accepted: ['unused-grant:http'], capabilities: { http: ['https://api.example.com'] } });
  });
});

describe('approve refuses what the review does not support', () => {
  it('an --accept id that is not a finding, and a manifest whose kind is not the component\'s world', async () => {
    const ws = reviewWorkspace();
    await expect(approvePlugin(shippedManifest('csv-reader'), { reviewer: 'alice', key: ws.key, lock: ws.lock, accept: ['unused-grant:tcp'] }))
      .rejects.toMatchObject({ code: 'REVIEW_UNKNOWN_FINDING', message: expect.stringContaining('--accept unused-grant:tcp') });
    const writer = writeManifest(shippedComponent('csv-reader'), { name: 'csv-reader', kind: 'writer', capabilities: { filesystem: [{ guest: '/data', access: 'read' }] } });
    const r = await reviewPlugin(writer, { lock: ws.lock });
    expect(r.findings[0]).toMatchObject({ id: 'contract-mismatch', blocking: true, message: expect.stringContaining('the manifest says writer@0.1.0, the component exports reader@0.1.0') });
    await expect(approvePlugin(writer, { reviewer: 'alice', key: ws.key, lock: ws.lock })).rejects.toMatchObject({ code: 'REVIEW_UNRESOLVED_FINDINGS' });
  });
});

describe('a re-review reads as a diff against the lock', () => {
  it('digest, new grant and raised limit since the approval; none for the approved plugin', async () => {
    const ws = reviewWorkspace();
    await approvePlugin(shippedManifest('csv-reader'), { reviewer: 'alice', key: ws.key, lock: ws.lock });
    expect((await reviewPlugin(shippedPlugin('csv-reader'), { lock: ws.lock })).approval).toMatchObject({ reviewer: 'alice', changes: [] });

    const dir = copyDist('csv-reader');
    const wasm = join(dir, 'csv-reader.wasm');
    const bytes = readFileSync(wasm);
    bytes[bytes.indexOf(Buffer.from('wit-component'))] = 'W'.charCodeAt(0);
    writeFileSync(wasm, bytes);
    const manifest = join(dir, 'plugin.yaml');
    const text = readFileSync(manifest, 'utf8').replace(/sha256: [0-9a-f]+/, `sha256: ${sha256File(wasm)}`).replace('memory_mb: 512', 'memory_mb: 2048').replace('  env: []', '  env:\n    - AWS_SECRET_ACCESS_KEY');
    writeFileSync(manifest, text);
    const r = await reviewPlugin(dir, { lock: ws.lock });
    expect(r.approval!.changes).toEqual([
      { kind: 'digest', entry: 'sha256', approved: sha256File(shippedComponent('csv-reader')), now: sha256File(wasm) },
      { kind: 'grant', capability: 'env', entry: 'AWS_SECRET_ACCESS_KEY' },
      { kind: 'limit', entry: 'memory_mb', approved: '512', now: '2048' },
    ]);
    const text2 = runCli(['plugin', 'review', dir, '--lock', ws.lock]).stdout;
    expect(text2).toContain('since the approval of 0.1.0 by alice');
    expect(text2).toContain('  new env grant AWS_SECRET_ACCESS_KEY\n  limit memory_mb 2048 (approved: 512)\n');
  });
});

describe('CLI usage', () => {
  it('--help of keys and of plugin review, approve, revoke; keys generate never overwrites a key', () => {
    for (const args of [['keys', '--help'], ['plugin', 'review', '--help'], ['plugin', 'approve', '--help'], ['plugin', 'revoke', '--help']]) {
      const r = runCli(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(args[0] === 'keys' ? 'dativo-host keys generate' : 'approve PATH --reviewer NAME --key FILE');
    }
    const ws = reviewWorkspace();
    const again = runCli(['keys', 'generate', '--out', ws.key.replace(/\.key$/, '')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists: not overwriting a key');
    expect(runCli(['plugin', 'approve', shippedPlugin('csv-reader'), '--key', ws.key]).stderr).toContain('plugin approve needs --reviewer NAME');
  });
});
