import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from './manifest.js';

const write = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'plugin.yaml');
  writeFileSync(file, text);
  return file;
};
const base = `name: csv\nversion: 1.0.0\nkind: reader\ncontract: 0.1.0\ncomponent: csv.wasm\nsha256: ${'ab'.repeat(32)}\n`;

describe('plugin manifest', () => {
  it('loads with defaults: nothing granted, default limits', () => {
    const m = loadManifest(write(base));
    expect(m.capabilities).toEqual({ filesystem: [], http: [], tcp: [], env: [], secrets: [] });
    expect(m.limits.memory_mb).toBe(256);
    expect(m.componentPath).toMatch(/\/csv\.wasm$/);
  });
  it('names the file and the key of an invalid value', () => {
    const file = write(base + 'capabilities:\n  http: ["api.example.com"]\n');
    expect(() => loadManifest(file)).toThrow(new RegExp(`${file}: capabilities\\.http\\.0: must be scheme://host`));
  });
  it('refuses unknown keys (a typo must not silently grant nothing)', () => {
    expect(() => loadManifest(write(base + 'capabilites: {}\n'))).toThrow(/capabilites: unknown key \(did you mean "capabilities"\?\)/);
  });
  it('refuses guest paths with ".."', () => {
    expect(() => loadManifest(write(base + 'capabilities:\n  filesystem: [{guest: /data/../etc}]\n'))).toThrow(/capabilities\.filesystem\.0\.guest/);
  });
  it('gives line and column for YAML syntax errors', () => {
    const file = write(base + 'limits: {memory_mb: [\n');
    expect(() => loadManifest(file)).toThrow(new RegExp(`${file}:\\d+:\\d+`));
  });
  it('says which file is missing', () => {
    expect(() => loadManifest('/nonexistent/plugin.yaml')).toThrow(/\/nonexistent\/plugin\.yaml cannot be read/);
  });
});
