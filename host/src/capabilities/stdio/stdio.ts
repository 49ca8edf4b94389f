import { shimClocks as clocks, shimIo as io } from '../shim.js';

/* The shim's stream classes are untyped JS; subclassing them keeps jco's resource checks happy. */
/* eslint-disable @typescript-eslint/no-explicit-any */
const ShimOutputStream: any = io.streams.OutputStream;
const ShimInputStream: any = io.streams.InputStream;

const readyPollable = () => clocks.monotonicClock.subscribeDuration(0n);

/** An output stream whose bytes go to a host callback (the log, or the host's own stdout). */
export function capturedOutput(sink: (bytes: Uint8Array) => void) {
  const stream = new (class CapturedOutputStream extends ShimOutputStream {
    checkWrite() { return 1n << 20n; }
    write(buf: Uint8Array) { sink(buf.slice()); }
    blockingWriteAndFlush(buf: Uint8Array) { sink(buf.slice()); }
    flush() {}
    blockingFlush() {}
    writeZeroes(n: bigint) { sink(new Uint8Array(Number(n))); }
    blockingWriteZeroesAndFlush(n: bigint) { sink(new Uint8Array(Number(n))); }
    splice() { throw { tag: 'closed' }; }
    blockingSplice() { throw { tag: 'closed' }; }
    subscribe() { return readyPollable(); }
  })();
  return stream;
}

/** A stdin with nothing in it: plugins read no standard input. */
export function emptyInput() {
  return new (class EmptyInputStream extends ShimInputStream {
    read() { throw { tag: 'closed' }; }
    blockingRead() { throw { tag: 'closed' }; }
    skip() { throw { tag: 'closed' }; }
    blockingSkip() { throw { tag: 'closed' }; }
    subscribe() { return readyPollable(); }
  })();
}

/**
 * Thrown by wasi:cli/exit to unwind the guest; the worker turns it into an exit code.
 * Not an Error subclass on purpose: nothing should mistake it for a failure.
 */
export class ExitSignal {
  constructor(readonly code: number) {}
}

export interface CliOptions {
  env: [string, string][];
  args: string[];
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
}

/** wasi:cli for one instance: declared env only, given args, captured stdio, no terminal, exit by unwinding. */
export function createCli(opts: CliOptions) {
  const stdout = capturedOutput(opts.stdout);
  const stderr = capturedOutput(opts.stderr);
  const stdin = emptyInput();
  const none = () => undefined;
  return {
    environment: { getEnvironment: () => opts.env, getArguments: () => opts.args, initialCwd: () => undefined },
    exit: {
      exit(status: { tag: 'ok' | 'err' }) { throw new ExitSignal(status.tag === 'err' ? 1 : 0); },
      exitWithCode(code: number) { throw new ExitSignal(code); },
    },
    stdin: { getStdin: () => stdin },
    stdout: { getStdout: () => stdout },
    stderr: { getStderr: () => stderr },
    terminalInput: { TerminalInput: class TerminalInput {} },
    terminalOutput: { TerminalOutput: class TerminalOutput {} },
    terminalStdin: { getTerminalStdin: none },
    terminalStdout: { getTerminalStdout: none },
    terminalStderr: { getTerminalStderr: none },
  };
}
