import { parseArgs } from 'node:util';
import { loadJob } from '../../config/job.js';
import { audit } from '../../logging/logger.js';
import { createTarget, newRunId } from '../../pipeline/run-job.js';
import { createSecretManager } from '../../secrets/create-secret-manager.js';
import { resetAudit, type StateResetAudit } from '../../state/audit.js';
import { createStateStore } from '../../state/create-state-store.js';
import type { ManagedStateStore, ShownState } from '../../state/state-store.js';
import type { RunScope, Target } from '../../targets/target.js';
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
    const list = async () => (await store.list(job.tenant_id, job.name)).filter(wanted);
    if (sub === 'show') {
      const shown = await list();
      if (values.json) printJson({ tenant: job.tenant_id, job: job.name, backend: store.backend, where: store.description, streams: shown });
      else {
        process.stdout.write(`${job.tenant_id}/${job.name}: state.backend ${store.backend} (${store.description})\n`);
        if (shown.length === 0) process.stdout.write('no state: the next run reads every stream from the start\n');
        for (const s of shown) process.stdout.write(`${s.stream}: ${s.checkpoint} (run ${s.runId}, ${s.updatedAt}, from ${s.from})\n`);
      }
      return 0;
    }
    let streams: string[] = [];
    let record: StateResetAudit | undefined;
    const reset = async () => {
      const shown = await list();
      streams = values.stream ?? [...new Set(shown.map((s) => s.stream))];
      if (streams.length === 0) return;
      record = resetAudit({ tenant: job.tenant_id, job: job.name, backend: store.backend, streams, previous: shown });
      await store.reset(job.tenant_id, job.name, streams, record); // target: a reset commit, under the lock
      audit(log, 'state.reset', { id: record.id, by: record.by, backend: store.backend, streams, previous: shown });
    };
    if (target && !store.savedByCommit) await underLock(target, store, { tenant: job.tenant_id, job: job.name }, reset);
    else await reset();
    if (values.json) printJson({ tenant: job.tenant_id, job: job.name, backend: store.backend, reset: streams, audit: record?.id ?? null });
    else process.stdout.write(record ? `reset ${streams.join(', ')} (audit record ${record.id})\n` : 'no state to reset\n');
    return 0;
  } finally {
    await store.close();
    out.done();
  }
}

/**
 * File and postgres: the reset holds the job's lock, after finishing (and saving the state
 * of) a commit a killed run left past its commit point: else the next run would finish it
 * and save its checkpoint over the reset.
 */
async function underLock(target: Target, store: ManagedStateStore, scope: RunScope, reset: () => Promise<void>): Promise<void> {
  const lock = await target.lock(scope, newRunId());
  try {
    await target.recover(scope, async (r) => {
      for (const [stream, checkpoint] of Object.entries(r.checkpoints)) {
        await store.put(r.tenant, r.job, stream, { checkpoint, runId: r.runId, updatedAt: new Date().toISOString() });
      }
    });
    await reset();
  } finally {
    await lock.release();
  }
}
