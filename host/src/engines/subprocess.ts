/**
 * A connector run as a contained child process: outside the WebAssembly sandbox, so
 * contained as far as a process can be (docs/SECURITY.md, "Subprocess engines"):
 * - an empty environment plus the declared variables (HOME and TMPDIR point at its own folder,
 *   LANG=C.UTF-8 so its stdout is UTF-8);
 * - its working directory a private temp folder (mode 0700), deleted after the run;
 * - CPU seconds and address space limited by setrlimit (prlimit, else `ulimit` in sh);
 * - where util-linux's setpriv exists: no_new_privs (no privilege from setuid binaries) and
 *   SIGKILL when the host dies (parent-death signal), so a tap never outlives the host;
 * - a wall-clock limit and an inactivity limit on stdout: past either it is killed
 *   (its whole process group);
 * - stdout read line by line with a bound on the line length, never kept whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { engineError } from '../errors/engine-errors.js';

export interface ProcessLimits {
  /** Kills the process past this many ms in all. */
  wallClockMs: number;
  /** Kills the process when stdout stays silent this long. */
  idleTimeoutMs: number;
  /** RLIMIT_CPU (seconds). */
  cpuSeconds: number;
  /** RLIMIT_AS (MiB of address space). */
  memoryMb: number;
  /** A stdout line longer than this fails the run. */
  maxLineBytes: number;
}

export interface ProcessSpec {
  /** Names the connector in errors and logs (e.g. "singer:tap-jsonl"). */
  name: string;
  argv: string[];
  /** The declared variables: the whole environment of the child besides HOME and TMPDIR. */
  env: Record<string, string>;
  limits: ProcessLimits;
  log: Logger;
  /** Values never repeated in a log line or an error (resolved secrets). */
  secrets?: string[];
}

/** A private folder for one connector call: config, catalog and state files, its cwd. */
export class PrivateDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<PrivateDir> {
    return new PrivateDir(await mkdtemp(join(tmpdir(), 'dativo-engine-')));
  }

  /** Writes `name` readable by the owner only (it may hold secrets). */
  async write(name: string, value: unknown): Promise<string> {
    const file = join(this.path, name);
    await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value), { mode: 0o600 });
    return file;
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** argv wrapped so the kernel enforces the CPU and memory limits on the child. */
export function limitedArgv(argv: string[], limits: ProcessLimits): string[] {
  const asBytes = limits.memoryMb * 2 ** 20;
  const priv = SETPRIV ? [SETPRIV, '--no-new-privs', '--pdeathsig', 'KILL', '--'] : [];
  if (PRLIMIT) return [...priv, PRLIMIT, `--cpu=${limits.cpuSeconds}`, `--as=${asBytes}`, '--core=0', '--', ...argv];
  const script = `ulimit -t ${limits.cpuSeconds} && ulimit -v ${limits.memoryMb * 1024} && ulimit -c 0 && exec "$@"`;
  return [...priv, '/bin/sh', '-c', script, 'sh', ...argv];
}

/** Lines of one stdout read: line k is bytes[starts[k], ends[k]), numbered first + k (from 1). */
export interface StdoutLines {
  bytes: Buffer;
  starts: number[];
  ends: number[];
  first: number;
}

/** How a run of the child ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the host killed it: 'timeout' (wall clock) or 'idle' (no output). */
  killed?: 'timeout' | 'idle';
  /** Its last stderr lines (secrets masked). */
  stderrTail: string[];
}

/**
 * One run of a connector command in `dir`. `lines()` yields its stdout lines as they come,
 * the lines of each pipe read together (one await per read, not per line)
 * (backpressure: the child blocks while the consumer is busy); `exit` settles when it ends.
 */
export class ConnectorProcess {
  readonly exit: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #spec: ProcessSpec;
  readonly #tail: string[] = [];
  #killed: Exit['killed'];
  #idle: NodeJS.Timeout | undefined;
  readonly #wall: NodeJS.Timeout;

  constructor(spec: ProcessSpec, dir: PrivateDir) {
    this.#spec = spec;
    const argv = limitedArgv(spec.argv, spec.limits);
    spec.log.info({ argv: spec.argv.map((a) => this.#mask(a)), cwd: dir.path, limits: spec.limits }, 'engine process started (outside the sandbox)');
    this.#child = spawn(argv[0]!, argv.slice(1), {
      cwd: dir.path,
      env: { LANG: 'C.UTF-8', ...spec.env, HOME: dir.path, TMPDIR: dir.path },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a kill reaches the tap's children too
    });
    this.#wall = setTimeout(() => this.kill('timeout'), spec.limits.wallClockMs);
    this.#armIdle();
    this.#readStderr();
    this.exit = new Promise<Exit>((resolve) => {
      this.#child.on('error', (e) => {
        this.#tail.push(`cannot start ${spec.argv[0]}: ${e.message}`);
        resolve(this.#ended(null, null));
      });
      this.#child.on('close', (code, signal) => resolve(this.#ended(code, signal)));
    });
  }

  #ended(code: number | null, signal: NodeJS.Signals | null): Exit {
    clearTimeout(this.#wall);
    clearTimeout(this.#idle);
    return { code, signal, killed: this.#killed, stderrTail: [...this.#tail] };
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.kill('idle'), this.#spec.limits.idleTimeoutMs);
  }

  #mask(s: string): string {
    let out = s;
    for (const v of this.#spec.secrets ?? []) if (v.length >= 4) out = out.split(v).join('[redacted]');
    return out;
  }

  #readStderr(): void {
    let rest = '';
    const emit = (line: string) => {
      const masked = this.#mask(line).slice(0, 4000);
      if (masked.trim() === '') return;
      this.#tail.push(masked);
      if (this.#tail.length > 20) this.#tail.shift();
      this.#spec.log.info({ engineStderr: masked }, 'engine stderr');
    };
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      if (rest.length > 64 * 1024) rest = rest.slice(0, 64 * 1024);
      for (const p of parts) emit(p);
    });
    this.#child.stderr!.on('end', () => rest && emit(rest));
  }

  /** Kills the child's process group (SIGKILL): a tap cannot ignore it. */
  kill(why?: Exit['killed']): void {
    if (why && this.#killed === undefined && this.#child.exitCode === null) this.#killed = why;
    const pid = this.#child.pid;
    if (pid === undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.#child.kill('SIGKILL');
    }
  }

  /**
   * stdout's lines (without the newline), each at most limits.maxLineBytes, a pipe read at a
   * time, as byte ranges of the read (no string and no object per line).
   */
  async *lines(): AsyncGenerator<StdoutLines> {
    const max = this.#spec.limits.maxLineBytes;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let n = 0;
    for await (const chunk of this.#child.stdout! as AsyncIterable<Buffer>) {
      this.#armIdle();
      const out: StdoutLines = { bytes: chunk, starts: [], ends: [], first: n + 1 };
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        n++;
        if (pendingBytes + nl - start > max) this.#tooLong(n, max);
        if (pendingBytes > 0) {
          // The end of a line begun in earlier reads: that line on its own.
          const line = Buffer.concat([...pending, chunk.subarray(start, nl)]);
          pending = [];
          pendingBytes = 0;
          yield { bytes: line, starts: [0], ends: [line.length], first: n };
          out.first = n + 1;
        } else {
          out.starts.push(start);
          out.ends.push(nl);
        }
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > max) this.#tooLong(n + 1, max);
      }
      if (out.starts.length > 0) yield out;
    }
    if (pendingBytes > 0) {
      const line = Buffer.concat(pending);
      yield { bytes: line, starts: [0], ends: [line.length], first: n + 1 };
    }
  }

  #tooLong(n: number, max: number): never {
    this.kill();
    throw engineError('ENGINE_OUTPUT_LIMIT', this.#spec.name, `stdout line ${n} is longer than ${max} bytes (engine_config.max_line_bytes)`, { line: n, maxLineBytes: max });
  }
}
