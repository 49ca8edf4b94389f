/**
 * Enforces a plugin's memory limit on the module itself: every linear memory the core
 * module defines gets `maximum = limit` (in 64 KiB pages) written into its memory
 * section, so `memory.grow` past it fails inside the engine, whatever the guest does.
 */
const PAGE = 65536;

function readLeb(buf: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function writeLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

export class MemoryLimitError extends Error {}

/** Returns the module with every defined memory capped at `limitBytes`. */
export function capModuleMemory(module: Uint8Array, limitBytes: number): Uint8Array {
  const limitPages = Math.floor(limitBytes / PAGE);
  if (module[0] !== 0x00 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) throw new MemoryLimitError('not a core wasm module');
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let pos = 8;
  while (pos < module.length) {
    const id = module[pos]!;
    const [size, payloadStart] = readLeb(module, pos + 1);
    const end = payloadStart + size;
    if (id !== 5) {
      parts.push(module.subarray(pos, end));
      pos = end;
      continue;
    }
    let p = payloadStart;
    const [count, afterCount] = readLeb(module, p);
    p = afterCount;
    const body: number[] = writeLeb(count);
    for (let i = 0; i < count; i++) {
      const flags = module[p++]!;
      if (flags & ~0x01) throw new MemoryLimitError(`memory ${i} uses unsupported limits flags 0x${flags.toString(16)} (shared or 64-bit)`);
      const [min, afterMin] = readLeb(module, p);
      p = afterMin;
      let max: number | undefined;
      if (flags & 0x01) [max, p] = readLeb(module, p);
      if (min > limitPages) {
        throw new MemoryLimitError(`initial memory ${(min * PAGE) / 2 ** 20} MiB exceeds the limit ${(limitPages * PAGE) / 2 ** 20} MiB`);
      }
      const capped = Math.min(max ?? limitPages, limitPages);
      body.push(0x01, ...writeLeb(min), ...writeLeb(capped));
    }
    parts.push(Uint8Array.of(5, ...writeLeb(body.length), ...body));
    pos = end;
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.byteLength, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.byteLength;
  }
  return out;
}

/** The maximum memory each defined memory declares, in bytes (for tests and inspection). */
export function declaredMemoryMaximum(module: Uint8Array): (number | undefined)[] {
  const result: (number | undefined)[] = [];
  let pos = 8;
  while (pos < module.length) {
    const id = module[pos]!;
    const [size, start] = readLeb(module, pos + 1);
    if (id === 5) {
      let [count, p] = readLeb(module, start);
      while (count-- > 0) {
        const flags = module[p++]!;
        let max: number | undefined;
        [, p] = readLeb(module, p);
        if (flags & 1) [max, p] = readLeb(module, p);
        result.push(max === undefined ? undefined : max * PAGE);
      }
    }
    pos = start + size;
  }
  return result;
}
