import { parseArgs } from 'node:util';
import { loadSource, type SourceReader } from '../../engines/source-reader.js';
import { planJob, type RunPlan, type StreamPlan } from '../../pipeline/plan.js';
import { configKeyOf, createTarget } from '../../pipeline/run-job.js';
import { matchFiles } from '../../pipeline/source-paths.js';
import { createSecretManager } from '../../secrets/create-secret-manager.js';
import { createOutput, printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

/** check, discover and spec: one plugin call each, against the reader a job names. */
type Step = 'check' | 'discover' | 'spec';

export const lifecycleHelp = (step: Step): string => `Usage: dativo-host ${step} JOB.yaml [--json]

${
  {
    check: 'Checks a job without reading data: the job, registry, recipes and contract are valid, the\nreader plugin loads in its sandbox, its check() accepts each stream\'s config (credentials,\nfiles), and the target can be written. Prints each stream\'s files and disposition, and notes.',
    discover: "Lists the job's streams, the files each reads (no other stream reads them), and what the\nreader plugin offers for each, with their schemas.",
    spec: "Prints the job's reader plugin spec: its version, config schema and batch encodings.",
  }[step]
}

Options:
  --json   machine-readable output on stdout
  --help   this text

Exit codes: 0 success, 1 the plugin call failed, 2 usage or configuration error.
`;

/** Runs `f` on a reader of each stream, bound to that stream's files (as a run binds it). */
async function withReaders<T>(plan: RunPlan, streams: StreamPlan[], f: (reader: SourceReader, stream: StreamPlan) => Promise<T>): Promise<T[]> {
  const out = createOutput();
  const results: T[] = [];
  for (const stream of streams) {
    const plugin = await loadSource(plan, stream, {
      policy: plan.job.capabilityPolicy,
      secrets: createSecretManager(plan.job.secrets, plan.job.file),
      logger: out.logger,
    });
    const reader = await plugin.openReader();
    reader.configKeyOf = configKeyOf(plan, stream);
    try {
      results.push(await f(reader, stream));
    } finally {
      await reader.close();
    }
  }
  return results;
}

/** What check reports besides "ok": the streams, their files and dispositions, the target, notes. */
async function checkJob(plan: RunPlan) {
  await withReaders(plan, plan.streams, (reader, s) => reader.check(s.config));
  const target = plan.job.paths.targetPlugin ? undefined : await createTarget(plan);
  await target?.check();
  return {
    status: 'ok',
    target: target?.description ?? 'writer plugin',
    ...(plan.source.engine ? { sandbox: `none: ${plan.source.engine.name} runs as a subprocess outside the WebAssembly sandbox` } : {}),
    streams: plan.streams.map((s) => ({ stream: s.name, disposition: s.disposition, files: matchFiles(s.files) })),
    notes: plan.notes,
  };
}

export const lifecycleCommand = (step: Step) => async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(lifecycleHelp(step)), 0;
  const [job, ...extra] = positionals;
  if (!job || extra.length > 0) throw new UsageError(`${step} takes exactly one JOB.yaml`);
  const plan = planJob(job);
  const result =
    step === 'check'
      ? await checkJob(plan)
      : step === 'discover'
        ? // Each job stream: the files it reads (and no other stream reads), what its reader offers there.
          { streams: await withReaders(plan, plan.streams, async (reader, s) => ({ stream: s.name, files: matchFiles(s.files), offered: await reader.discover(s.config) })) }
        : (await withReaders(plan, plan.streams.slice(0, 1), (reader) => reader.spec()))[0];
  if (values.json) printJson(result);
  else if (step === 'check') {
    const c = result as Awaited<ReturnType<typeof checkJob>>;
    for (const s of c.streams) process.stdout.write(`${s.stream} (${s.disposition}): ${s.files.length} file(s)${s.files.length ? `: ${s.files.join(', ')}` : ''}\n`);
    process.stdout.write(`target: ${c.target}\n`);
    if (c.sandbox) process.stdout.write(`sandbox: ${c.sandbox} (docs/SECURITY.md, "Subprocess engines")\n`);
    for (const note of c.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write('ok: the job is valid, the reader accepts its config and the target can be written\n');
  } else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
};
