/**
 * Preview1 calls the host answers itself for a core module wrapped with the preview1
 * adapter, instead of the adapter (jco's wasi_snapshot_preview1.command.wasm):
 *
 * - args_sizes_get, args_get, environ_sizes_get, environ_get: the adapter's first call
 *   allocates its state, and a module without cabi_realloc gives it a page grown with
 *   memory.grow; AssemblyScript's allocator, started afterwards, takes every page up to
 *   memory.size as its heap, state page included, and the adapter's next call traps on
 *   its overwritten state ("assertion failed at adapter line 2858"). Answered here from
 *   the same wasi:cli/environment the sandbox gives the component, no state is needed.
 * - fd_write of nothing (every iovec empty): the adapter returns success before it looks
 *   the fd up. Here an fd that is not open is BADF, as in wasmtime; the open fds are
 *   followed through the calls that open, close and renumber them.
 *
 * Everything is written to guest memory bounds-checked: out of range is EFAULT, never a
 * write past it.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_FAULT = 21;

export interface CliSource {
  getArguments(): string[];
  getEnvironment(): [string, string][];
}

class Fault extends Error {}

/** A view of guest memory whose every access is checked (the buffer can grow: re-read). */
function guest(memory: () => WebAssembly.Memory | undefined) {
  const view = () => {
    const m = memory();
    if (!m) throw new Fault('no memory');
    return new DataView(m.buffer);
  };
  const check = (v: DataView, ptr: number, len: number) => {
    if (ptr < 0 || len < 0 || ptr + len > v.byteLength) throw new Fault(`out of range: ${ptr}+${len}`);
  };
  return {
    u32(ptr: number, value: number) {
      const v = view();
      check(v, ptr, 4);
      v.setUint32(ptr, value, true);
    },
    readU32(ptr: number): number {
      const v = view();
      check(v, ptr, 4);
      return v.getUint32(ptr, true);
    },
    bytes(ptr: number, data: Uint8Array) {
      const v = view();
      check(v, ptr, data.byteLength);
      new Uint8Array(v.buffer, ptr, data.byteLength).set(data);
    },
  };
}

const encoder = new TextEncoder();
const nulTerminated = (s: string) => {
  const b = encoder.encode(s);
  const out = new Uint8Array(b.byteLength + 1);
  out.set(b);
  return out;
};

const errno = (f: () => void): number => {
  try {
    f();
    return ERRNO_SUCCESS;
  } catch (e) {
    if (e instanceof Fault) return ERRNO_FAULT;
    throw e;
  }
};

/** argv-style lists: sizes_get writes count and bytes, get writes pointers and strings. */
function list(items: () => Uint8Array[], mem: ReturnType<typeof guest>) {
  return {
    sizes: (countPtr: number, sizePtr: number) => errno(() => {
      const all = items();
      mem.u32(countPtr >>> 0, all.length);
      mem.u32(sizePtr >>> 0, all.reduce((n, b) => n + b.byteLength, 0));
    }),
    get: (ptrsPtr: number, bufPtr: number) => errno(() => {
      let at = bufPtr >>> 0;
      items().forEach((b, i) => {
        mem.bytes(at, b);
        mem.u32((ptrsPtr >>> 0) + 4 * i, at);
        at += b.byteLength;
      });
    }),
  };
}

/**
 * The import object of one core module with the calls above answered by the host, and
 * what to call once it is instantiated (its memory is the one they write to). `available`
 * is the instance's import object (buildImports): the same environment and preopens.
 */
export function preview1Cli(available: Record<string, any>, imps: WebAssembly.Imports | undefined) {
  const p1 = imps?.wasi_snapshot_preview1 as Record<string, any> | undefined;
  if (!imps || !p1) return { imports: imps, instantiated: (_: WebAssembly.Instance) => {} };
  const isMemory = (v: unknown): v is WebAssembly.Memory => v instanceof WebAssembly.Memory;
  let memory = Object.values(imps.env ?? {}).find(isMemory);
  const cli: CliSource = available['wasi:cli/environment'];
  const preopens = () => (available['wasi:filesystem/preopens']?.getDirectories() ?? []).length;
  const wrapped = withPreview1Cli(p1, cli, preopens, () => memory);
  return {
    imports: { ...imps, wasi_snapshot_preview1: wrapped },
    instantiated(instance: WebAssembly.Instance) {
      memory ??= Object.values(instance.exports).find(isMemory);
    },
  };
}

/** The module's preview1 imports with the calls above replaced. */
export function withPreview1Cli(
  p1: Record<string, any>,
  cli: CliSource,
  preopens: () => number,
  memory: () => WebAssembly.Memory | undefined,
): Record<string, any> {
  const mem = guest(memory);
  // jco names a function the module imports twice `name [v2]`: the same function.
  const byName = new Map(Object.keys(p1).map((k) => [k.replace(/ \[v\d+\]$/, ''), p1[k]]));
  const has = (name: string) => byName.has(name);
  const args = list(() => cli.getArguments().map(nulTerminated), mem);
  const env = list(() => cli.getEnvironment().map(([k, v]) => nulTerminated(`${k}=${v}`)), mem);
  const writes = emptyWriteChecks(Object.fromEntries(byName), preopens, mem);
  const ours: Record<string, any> = {
    ...(has('args_sizes_get') && { args_sizes_get: args.sizes }),
    ...(has('args_get') && { args_get: args.get }),
    ...(has('environ_sizes_get') && { environ_sizes_get: env.sizes }),
    ...(has('environ_get') && { environ_get: env.get }),
    ...(has('fd_write') && writes.tracking),
  };
  return Object.fromEntries(Object.keys(p1).map((k) => {
    const name = k.replace(/ \[v\d+\]$/, '');
    return [k, name === 'fd_write' ? writes.fdWrite(p1[k]) : (ours[name] ?? p1[k])];
  }));
}

/** fd_write of nothing answers BADF for an fd that is not open (see the file comment). */
function emptyWriteChecks(p1: Record<string, any>, preopens: () => number, mem: ReturnType<typeof guest>) {
  let open: Set<number> | undefined;
  const fds = () => (open ??= new Set(Array.from({ length: 3 + preopens() }, (_, i) => i)));
  const wrap = (name: string, after: (args: number[]) => void) => {
    const f = p1[name];
    if (!f) return {};
    return {
      [name]: (...a: number[]) => {
        const r = f(...a);
        if (r === ERRNO_SUCCESS) after(a);
        return r;
      },
    };
  };
  const allEmpty = (iovs: number, n: number) => {
    for (let i = 0; i < n; i++) if (mem.readU32((iovs >>> 0) + 8 * i + 4) !== 0) return false;
    return true;
  };
  const tracking = {
    ...wrap('path_open', (a) => fds().add(mem.readU32(a[8]! >>> 0))),
    ...wrap('sock_accept', (a) => fds().add(mem.readU32(a[2]! >>> 0))),
    ...wrap('fd_close', (a) => fds().delete(a[0]! >>> 0)),
    ...wrap('fd_renumber', (a) => {
      fds().delete(a[0]! >>> 0);
      fds().add(a[1]! >>> 0);
    }),
  };
  const fdWrite = (adapterWrite: any) => (fd: number, iovs: number, n: number, nwritten: number) => {
    let empty: boolean;
    try {
      empty = allEmpty(iovs, n >>> 0);
    } catch (e) {
      if (e instanceof Fault) return ERRNO_FAULT;
      throw e;
    }
    if (empty && !fds().has(fd >>> 0)) return ERRNO_BADF;
    return adapterWrite(fd, iovs, n, nwritten);
  };
  return { tracking, fdWrite };
}
