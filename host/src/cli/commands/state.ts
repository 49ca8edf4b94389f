import { parseArgs } from 'node:util';
import { loadJob } from '../../config/job.js';
import { audit } from '../../logging/logger.js';
import { createTarget, newRunId } from '../../pipeline/run-job.js';
import { createSecretManager } from '../../secrets/create-secret-manager.js';
import { resetAudit } from '../../state/audit.js';
import { createStateStore } from '../../state/create-state-store.js';
import type { ShownState } from '../../state/state-store.js';
import { createOutput, printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const stateHelp = `Usage: dativo-host state show JOB.yaml [--stream S]... [--json]
       dativo-host state reset JOB.yaml [--stream S]... --yes [--json]

show: each stream's committed checkpoint in the job's state backend (state.backend: file,
target or postgres; see docs/jobs.md), the run that wrote it, and where it was found.
A file state a first run with backend target or postgres would still take is listed as
"(not yet migrated)".

reset: forgets the streams' state (all of the job's streams without --stream), so the
next run reads each of them from the start. Needs --yes. Writes an audit record first:
file <state dir>/<tenant>/<job>/audit/, target _dativo/state/audit/ and a reset commit,
postgres <table>_audit; and an audit log line (event state.reset).

Exit codes: 0 done, 1 the backend failed, 2 usage or configuration error.
`;

export async function stateCommand(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === '--help' || sub === '-h' || args.includes('--help')) return void process.stdout.write(stateHelp), 0;
  if (sub !== 'show' && sub !== 'reset') throw new UsageError(sub ? `unknown state subcommand "${sub}"` : 'state needs a subcommand: show or reset');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { stream: { type: 'string', multiple: true }, yes: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError(`state ${sub} takes exactly one JOB.yaml`);
  if (sub === 'reset' && !values.yes) throw new UsageError('state reset forgets where the job got to (the next run reads everything again): add --yes');

  const out = createOutput();
  const job = loadJob(file);
  const log = out.logger.child({ tenant: job.tenant_id, job: job.name });
  const target = job.paths.targetPlugin ? undefined : await createTarget({ job });
  const store = await createStateStore(job, { target, secrets: createSecretManager(job.secrets, job.file), log, newRunId });
  try {
    const wanted = (s: ShownState) => !values.stream || values.stream.includes(s.stream);
    const shown = (await store.list(job.tenant_id, job.name)).filter(wanted);
    if (sub === 'show') {
      if (values.json) printJson({ tenant: job.tenant_id, job: job.name, backend: store.backend, where: store.description, streams: shown });
      else {
        process.stdout.write(`${job.tenant_id}/${job.name}: state.backend ${store.backend} (${store.description})\n`);
        if (shown.length === 0) process.stdout.write('no state: the next run reads every stream from the start\n');
        for (const s of shown) process.stdout.write(`${s.stream}: ${s.checkpoint} (run ${s.runId}, ${s.updatedAt}, from ${s.from})\n`);
      }
      return 0;
    }
    const streams = values.stream ?? [...new Set(shown.map((s) => s.stream))];
    const record = resetAudit({ tenant: job.tenant_id, job: job.name, backend: store.backend, streams, previous: shown });
    if (streams.length > 0) {
      await store.reset(job.tenant_id, job.name, streams, record);
      audit(log, 'state.reset', { id: record.id, by: record.by, backend: store.backend, streams, previous: shown });
    }
    if (values.json) printJson({ tenant: job.tenant_id, job: job.name, backend: store.backend, reset: streams, audit: streams.length ? record.id : null });
    else process.stdout.write(streams.length ? `reset ${streams.join(', ')} (audit record ${record.id})\n` : 'no state to reset\n');
    return 0;
  } finally {
    await store.close();
    out.done();
  }
}
