/**
 * Runs a cargo build (cargo itself, or cargo-component, which passes cargo's JSON messages
 * on) and returns the .wasm artifact it reports for the wanted target kind.
 */
import { spawn } from 'node:child_process';

const STDERR_TAIL_LINES = 40;

export interface CargoRun {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** 'cdylib' (a plugin) or 'bin' (a command). */
  wantedKind: 'cdylib' | 'bin';
  /** Says what was built, for messages ("/x/Cargo.toml as a reactor"). */
  what: string;
  log?: (line: string) => void;
}

interface CargoMessage {
  reason?: string;
  target?: { kind?: string[] };
  filenames?: string[];
}

/** The artifact path; throws with the tail of stderr when the build fails or reports none. */
export async function runCargoBuild(run: CargoRun): Promise<string> {
  run.log?.(`$ ${run.command} ${run.args.join(' ')}`);
  const child = spawn(run.command, run.args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let artifact: string | undefined;
  onLines(child.stderr, (line) => {
    run.log?.(line);
    tail.push(line);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
  });
  onLines(child.stdout, (line) => {
    if (!line.startsWith('{')) return;
    let msg: CargoMessage;
    try {
      msg = JSON.parse(line) as CargoMessage;
    } catch {
      return;
    }
    if (msg.reason !== 'compiler-artifact' || !msg.target?.kind?.includes(run.wantedKind)) return;
    artifact = msg.filenames?.find((f) => f.endsWith('.wasm')) ?? artifact;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${run.command} failed (exit ${code}) building ${run.what}:\n${tail.join('\n')}`);
  if (artifact === undefined) {
    throw new Error(`${run.command} built ${run.what} but reported no ${run.wantedKind} .wasm artifact (is the crate a ${run.wantedKind}?)\n${tail.join('\n')}`);
  }
  return artifact;
}

function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(each);
  });
  stream.on('end', () => {
    if (rest) each(rest);
  });
}
