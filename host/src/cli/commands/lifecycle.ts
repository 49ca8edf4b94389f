import { parseArgs } from 'node:util';
import { loadPlugin } from '../../runtime/load-plugin.js';
import { planJob } from '../../pipeline/plan.js';
import { createSecretManager } from '../../secrets/create-secret-manager.js';
import { createOutput, printJson } from '../output.js';
import { UsageError } from '../usage-error.js';
import type { ReaderClient } from '../../runtime/reader-client.js';

/** check, discover and spec: one plugin call each, against the reader a job names. */
type Step = 'check' | 'discover' | 'spec';

export const lifecycleHelp = (step: Step): string => `Usage: dativo-host ${step} JOB.yaml [--json]

${
  {
    check: 'Checks a job without reading data: the job, registry, recipes and contract are valid, the\nreader plugin loads in its sandbox, and its check() accepts the config (credentials, files).',
    discover: "Lists the streams the job's reader plugin offers under the job's config, with their schemas.",
    spec: "Prints the job's reader plugin spec: its version, config schema and batch encodings.",
  }[step]
}

Options:
  --json   machine-readable output on stdout
  --help   this text

Exit codes: 0 success, 1 the plugin call failed, 2 usage or configuration error.
`;

async function withReader<T>(jobFile: string, f: (reader: ReaderClient, config: Record<string, unknown>) => Promise<T>): Promise<T> {
  const out = createOutput();
  const plan = planJob(jobFile);
  const plugin = await loadPlugin({
    manifest: plan.source.plugin,
    policy: plan.job.capabilityPolicy,
    bindings: plan.source.bindings,
    secrets: createSecretManager(plan.job.secrets, plan.job.file),
    logger: out.logger,
  });
  const reader = await plugin.openReader();
  try {
    return await f(reader, plan.source.config);
  } finally {
    await reader.close();
  }
}

export const lifecycleCommand = (step: Step) => async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(lifecycleHelp(step)), 0;
  const [job, ...extra] = positionals;
  if (!job || extra.length > 0) throw new UsageError(`${step} takes exactly one JOB.yaml`);
  const result = await withReader(job, async (reader, config) => {
    if (step === 'check') return reader.check(config).then(() => ({ status: 'ok' }));
    if (step === 'discover') return { streams: await reader.discover(config) };
    return reader.spec();
  });
  if (values.json) printJson(result);
  else if (step === 'check') process.stdout.write('ok: the job is valid and the reader accepts its config\n');
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
};
