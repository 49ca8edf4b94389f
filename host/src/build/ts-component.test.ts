import { describe, expect, it } from 'vitest';
import { disabledFeatures, worldFor } from './ts-component.js';

const none = { http: [], filesystem: [] };

describe('disabledFeatures: the engine features a TypeScript build leaves out', () => {
  it('leaves out http without an HTTP grant, fetch-event always', () => {
    expect(disabledFeatures(none)).toEqual(['fetch-event', 'http']);
    expect(disabledFeatures({ http: ['https://api.example.com'] })).toEqual(['fetch-event']);
  });

  it('keeps stdio, clocks and random (left out they break quietly: frozen clock, fixed random)', () => {
    const out = disabledFeatures({ http: [], filesystem: [{ guest: '/out' }] });
    for (const kept of ['stdio', 'clocks', 'random']) expect(out).not.toContain(kept);
  });

  it('without the manifest (a fixture build) leaves out fetch-event only', () => {
    expect(disabledFeatures()).toEqual(['fetch-event']);
  });
});

describe('worldFor: the world a TypeScript plugin builds against', () => {
  it('a writer granted a folder gets file-writer-plugin (wasi:filesystem)', () => {
    expect(worldFor('writer-plugin', { http: [], filesystem: [{ guest: '/out', access: 'read-write' }] })).toBe('file-writer-plugin');
  });

  it('a writer without a folder, and every reader, keep the world they asked for', () => {
    expect(worldFor('writer-plugin', none)).toBe('writer-plugin');
    expect(worldFor('writer-plugin')).toBe('writer-plugin');
    expect(worldFor('reader-plugin', { http: [], filesystem: [{ guest: '/data' }] })).toBe('reader-plugin');
  });
});
