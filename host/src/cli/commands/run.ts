import { parseArgs } from 'node:util';
import { runJob } from '../../pipeline/run-job.js';
import { createOutput, printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const runHelp = `Usage: dativo-host run JOB.yaml [--json]

Runs a job end to end: reads its source through the reader plugin, checks every batch
against the job's data contract, writes Parquet to the target, commits atomically and
saves the incremental state. A failed run commits nothing.

Options:
  --json   print a JSON summary on stdout (status, per stream records, files, bytes,
           duration; on failure the error's code and details)
  --help   this text

Exit codes: 0 the run committed, 1 the run failed, 2 usage or configuration error.
`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(runHelp), 0;
  const [job, ...extra] = positionals;
  if (!job || extra.length > 0) throw new UsageError('run takes exactly one JOB.yaml');
  const out = createOutput();
  try {
    const summary = await runJob(job, { logger: out.logger, onProgress: out.progress });
    if (values.json) printJson(summary);
    else {
      for (const s of summary.streams) {
        const drift = s.schemaDifferenceCount ? `, ${s.schemaDifferenceCount} schema difference(s) with the contract` : '';
        process.stdout.write(`${s.stream} (${s.disposition}): ${s.records} records${s.invalidRecords ? ` (${s.invalidRecords} not matching the contract)` : ''}${drift}, ${s.files.length} file(s)\n`);
      }
      for (const note of summary.notes) process.stdout.write(`note: ${note}\n`);
      process.stdout.write(`committed run ${summary.runId} in ${(summary.durationMs / 1000).toFixed(2)} s\n`);
    }
    return 0;
  } finally {
    out.done();
  }
}
