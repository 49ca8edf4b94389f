/**
 * The state.backend target cases on an S3 server, shared by target-state.test.ts (s3rver)
 * and target-state-minio.test.ts (a real MinIO): runs of one incremental job alternate
 * between two machines, one SIGKILLed past the commit point (or before it); every source
 * row is in the bucket exactly once, and state show / reset work from either machine.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { expect, it } from 'vitest';
import { alternate, latest, range, sorted, twoMachines } from './machines.js';

export interface StateS3Server {
  endpoint: string;
  /** A client of the server; its bucket `lake` exists. */
  s3: S3Client;
  /** The AWS variables the server accepts (set in this process too), for CLI children. */
  creds: Record<string, string>;
  /**
   * False for s3rver 3.7: a delimiter listing omits a common prefix whose objects all lie
   * two or more levels below it (its filesystem walk prunes those folders), so the host's
   * list of staging folders comes back empty there and a killed run's staging stays.
   */
  listsDeepPrefixes?: boolean;
}

/** Declares the cases (inside a describe); `server` is called once they run. */
export function s3StateCases(server: () => StateS3Server): void {
  const keys = async (prefix: string) => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await server().s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix, ContinuationToken: token }));
      out.push(...(r.Contents ?? []).map((o) => o.Key!));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  };
  const getObject = (key: string) => server().s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }));
  const getText = async (key: string) => (await getObject(key)).Body!.transformToString();
  const s3Ids = async (prefix: string) => {
    const ids: number[] = [];
    for (const key of (await keys(prefix)).filter((k) => k.endsWith('.parquet') && !k.includes('/_dativo/'))) {
      const body = await (await getObject(key)).Body!.transformToByteArray();
      ids.push(...Array.from(tableFromIPC(readParquet(body).intoIPCStream()).getChild('order_id')!.toArray() as ArrayLike<bigint>, Number));
    }
    return sorted(ids);
  };
  const s3Target = (prefix: string) => ({ connection: { s3: { bucket: 'lake', prefix, endpoint: server().endpoint, region: 'us-east-1' } }, parquet_target_size_mb: 0.2 });

  it('S3 (the default there): six runs alternating between two machines, one SIGKILLed after its commit point: every row once', async () => {
    const { creds } = server();
    const m = twoMachines(2000, { target_connector: 's3', target: s3Target('travel/orders') });
    await alternate(m, 3, 'after-commit-point', creds);
    expect(await s3Ids('travel/orders/')).toEqual(range(m.total));
    expect(await keys('travel/orders/_dativo/pending/')).toEqual([]);

    // state show (from either machine) agrees with the latest commit manifest.
    const manifests = await Promise.all((await keys('travel/orders/_dativo/commits/')).map(getText));
    expect(manifests).toHaveLength(6); // the killed run's commit was finished, not lost
    const last = latest(manifests);
    expect(last.checkpoints.orders).toBeDefined();
    const show = await m.cli(['state', 'show', m.b.jobFile, '--json'], creds);
    expect(show.status).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.backend).toBe('target');
    expect(shown.streams).toEqual([expect.objectContaining({ stream: 'orders', checkpoint: last.checkpoints.orders, runId: last.runId })]);

    // reset needs --yes; then a run reads everything again (append: every row a second time).
    expect((await m.cli(['state', 'reset', m.a.jobFile], creds)).status).toBe(2);
    const reset = await m.cli(['state', 'reset', m.a.jobFile, '--yes', '--json'], creds);
    expect(reset.status).toBe(0);
    expect(JSON.parse(reset.stdout).reset).toEqual(['orders']);
    const audits = await keys('travel/orders/_dativo/state/audit/acme/job/');
    expect(audits).toHaveLength(1);
    expect(JSON.parse(await getText(audits[0]!))).toMatchObject({ event: 'state.reset', streams: ['orders'], previous: [{ checkpoint: last.checkpoints.orders }] });
    const emptyShow = JSON.parse((await m.cli(['state', 'show', m.a.jobFile, '--json'], creds)).stdout);
    expect(emptyShow.streams).toEqual([]);
    const reload = await m.run(m.b);
    expect(reload.summary.records).toBe(m.total);
    expect(await s3Ids('travel/orders/')).toEqual(sorted([...range(m.total), ...range(m.total)]));
  }, 240_000);

  it('S3: a run SIGKILLed before its commit point leaves nothing visible; the other machine reads its rows again and clears its staging', async () => {
    const { creds } = server();
    const m = twoMachines(2000, { target_connector: 's3', target: s3Target('travel/staged') });
    expect((await m.run(m.a)).summary.records).toBe(2000);
    m.addRows(800);
    expect(await m.runKilled(m.b, 'after-staging', creds)).toBe('SIGKILL');
    expect((await keys('travel/staged/_dativo/staging/')).filter((k) => k.endsWith('.parquet')).length).toBeGreaterThan(0);
    expect(await keys('travel/staged/_dativo/pending/')).toEqual([]);
    expect(await s3Ids('travel/staged/')).toEqual(range(2000)); // none of the killed run's rows

    const next = await m.run(m.a);
    expect(next.summary.recovered).toEqual([]);
    expect(next.summary.records).toBe(800);
    if (server().listsDeepPrefixes !== false) expect(await keys('travel/staged/_dativo/staging/')).toEqual([]);
    expect(await s3Ids('travel/staged/')).toEqual(range(m.total));
    expect(await keys('travel/staged/_dativo/commits/')).toHaveLength(2);
  }, 240_000);
}
