import { describe, expect, it } from 'vitest';
import { preview1Cli, withPreview1Cli, type CliSource } from './preview1-cli.js';

const cli = (args: string[], env: [string, string][] = []): CliSource => ({
  getArguments: () => args,
  getEnvironment: () => env,
});

/** A fake adapter: records calls, path_open hands out fd 7. */
function adapter(memory: WebAssembly.Memory) {
  const calls: string[] = [];
  const p1 = {
    fd_write: (fd: number, _iovs: number, n: number) => (calls.push(`fd_write ${fd} ${n}`), 0),
    'fd_write [v2]': (fd: number) => (calls.push(`fd_write2 ${fd}`), 0),
    path_open: (...a: number[]) => (new DataView(memory.buffer).setUint32(a[8]!, 7, true), 0),
    fd_close: () => 0,
    fd_renumber: () => 0,
    args_get: () => { throw new Error('the adapter was called'); },
    args_sizes_get: () => { throw new Error('the adapter was called'); },
    environ_get: () => { throw new Error('the adapter was called'); },
    environ_sizes_get: () => { throw new Error('the adapter was called'); },
  };
  return { p1, calls };
}

const cString = (m: WebAssembly.Memory, ptr: number) => {
  const b = new Uint8Array(m.buffer, ptr);
  return Buffer.from(b.subarray(0, b.indexOf(0))).toString('utf8');
};

describe('withPreview1Cli', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const view = () => new DataView(memory.buffer);
  const args = ['prog', 'first', 'the "second" arg', 'new\nline é'];

  it('answers args_sizes_get and args_get from wasi:cli/environment, NUL-terminated', () => {
    const p1 = withPreview1Cli(adapter(memory).p1, cli(args), () => 0, () => memory);
    expect(p1.args_sizes_get(0, 4)).toBe(0);
    expect(view().getUint32(0, true)).toBe(4);
    const bytes = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    expect(view().getUint32(4, true)).toBe(bytes);
    expect(p1.args_get(100, 200)).toBe(0);
    const got = args.map((_, i) => cString(memory, view().getUint32(100 + 4 * i, true)));
    expect(got).toEqual(args);
    expect(view().getUint32(100, true)).toBe(200);
  });

  it('answers environ_* as K=V strings', () => {
    const env: [string, string][] = [['a', 'text'], ['b', 'escap " ing'], ['c', 'new\nline']];
    const p1 = withPreview1Cli(adapter(memory).p1, cli([], env), () => 0, () => memory);
    expect(p1.environ_sizes_get(0, 4)).toBe(0);
    expect([view().getUint32(0, true), view().getUint32(4, true)]).toEqual([3, 7 + 14 + 11]);
    expect(p1.environ_get(100, 300)).toBe(0);
    expect([0, 1, 2].map((i) => cString(memory, view().getUint32(100 + 4 * i, true))))
      .toEqual(['a=text', 'b=escap " ing', 'c=new\nline']);
  });

  it('is EFAULT, writing nothing, for pointers past the memory', () => {
    const p1 = withPreview1Cli(adapter(memory).p1, cli(args), () => 0, () => memory);
    const end = memory.buffer.byteLength;
    expect(p1.args_sizes_get(end - 2, 0)).toBe(21);
    expect(p1.args_get(0, end - 3)).toBe(21);
    expect(p1.environ_sizes_get(-8, 0)).toBe(21);
  });

  it('an empty fd_write to an fd that is not open is BADF; others go to the adapter', () => {
    const { p1: inner, calls } = adapter(memory);
    const p1 = withPreview1Cli(inner, cli([]), () => 1, () => memory);
    view().setUint32(500, 600, true); // iovec { buf 600, len 0 }
    view().setUint32(504, 0, true);
    expect(p1.fd_write(-31337, 500, 1, 508)).toBe(8);
    expect(p1['fd_write [v2]'](-31337, 500, 1, 508)).toBe(8);
    expect(p1.fd_write(40, 500, 0, 508)).toBe(8);
    expect(p1.fd_write(1, 500, 1, 508)).toBe(0); // stdout
    expect(p1.fd_write(3, 500, 1, 508)).toBe(0); // the preopen
    expect(p1.fd_write(4, 500, 1, 508)).toBe(8);
    view().setUint32(504, 5, true); // not empty: the adapter decides
    expect(p1.fd_write(40, 500, 1, 508)).toBe(0);
    expect(calls).toEqual(['fd_write 1 1', 'fd_write 3 1', 'fd_write 40 1']);
  });

  it('follows the fds path_open, fd_close and fd_renumber open and close', () => {
    const { p1: inner } = adapter(memory);
    const p1 = withPreview1Cli(inner, cli([]), () => 0, () => memory);
    view().setUint32(504, 0, true);
    expect(p1.fd_write(7, 500, 1, 508)).toBe(8);
    expect(p1.path_open(3, 0, 0, 0, 0, 0n, 0n, 0, 700)).toBe(0);
    expect(p1.fd_write(7, 500, 1, 508)).toBe(0);
    expect(p1.fd_renumber(7, 9)).toBe(0);
    expect([p1.fd_write(7, 500, 1, 508), p1.fd_write(9, 500, 1, 508)]).toEqual([8, 0]);
    expect(p1.fd_close(9)).toBe(0);
    expect(p1.fd_write(9, 500, 1, 508)).toBe(8);
  });
});

describe('preview1Cli', () => {
  it('leaves imports without wasi_snapshot_preview1 alone', () => {
    const imps = { env: {} };
    expect(preview1Cli({}, imps).imports).toBe(imps);
  });

  it('writes to the memory the instance exports', async () => {
    // (module (memory (export "memory") 1))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109,
      101, 109, 111, 114, 121, 2, 0]);
    const instance = await WebAssembly.instantiate(new WebAssembly.Module(bytes), {});
    const available = { 'wasi:cli/environment': cli(['x', 'yz']) };
    const p1 = preview1Cli(available, { wasi_snapshot_preview1: { args_sizes_get: () => 99 } });
    const sizes = (p1.imports!.wasi_snapshot_preview1 as any).args_sizes_get;
    expect(sizes(0, 4)).toBe(21); // no memory yet
    p1.instantiated(instance);
    expect(sizes(0, 4)).toBe(0);
    const m = new DataView((instance.exports.memory as WebAssembly.Memory).buffer);
    expect([m.getUint32(0, true), m.getUint32(4, true)]).toEqual([2, 5]);
  });
});
