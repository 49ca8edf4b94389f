import { describe, expect, it } from 'vitest';
import { capModuleMemory, declaredMemoryMaximum } from './memory-limit.js';

// (module (memory 2) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
const moduleWithMemory = (min: number, max?: number) => {
  const limits = max === undefined ? [0x00, min] : [0x01, min, max];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
    0x03, 0x02, 0x01, 0x00, // func 0 of type 0
    0x05, 1 + limits.length, 0x01, ...limits, // memory
    0x07, 0x08, 0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00, // export "grow"
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, // code
  ]);
};

describe('memory ceiling on the module', () => {
  it('caps an unbounded memory and memory.grow past it fails', async () => {
    const capped = capModuleMemory(moduleWithMemory(2), 4 * 65536);
    expect(declaredMemoryMaximum(capped)).toEqual([4 * 65536]);
    const { instance } = await WebAssembly.instantiate(capped);
    const grow = instance.exports.grow as (n: number) => number;
    expect(grow(2)).toBe(2); // 2 -> 4 pages: at the limit
    expect(grow(1)).toBe(-1); // past it: refused by the engine
  });
  it('keeps a smaller declared maximum', () => {
    expect(declaredMemoryMaximum(capModuleMemory(moduleWithMemory(1, 3), 100 * 65536))).toEqual([3 * 65536]);
  });
  it('refuses a module whose initial memory is over the limit', () => {
    expect(() => capModuleMemory(moduleWithMemory(10), 4 * 65536)).toThrow(/initial memory/);
  });
});
