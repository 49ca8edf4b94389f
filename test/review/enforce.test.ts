/**
 * Approval and its enforcement at load time: `keys generate` and `plugin approve` through
 * the CLI, then jobs with policy.require_review (CLI and library) that run when the
 * approval covers them and are refused before instantiation when it does not: a changed
 * byte, a widened manifest, a tampered or untrusted entry, a revoked approval.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvePlugin, revokePlugin } from '../../host/src/capabilities/review/approve.js';
import { generateKeys } from '../../host/src/capabilities/review/signing.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { verifyApproval } from '../../host/src/index.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { REPO, sha256File, shippedComponent, tempDir, writeManifest } from '../helpers/fixtures.js';
import { CSV_READER_MANIFEST, jobWorkspace } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { copyDist, reviewWorkspace, shippedManifest } from './workspace.js';

const memory = () => {
  const dest = new MemoryLogDestination();
  return { dest, logger: createLogger({ destination: dest, level: 'info' }) };
};

/** Loads a manifest with review required; the error if it is refused. */
async function load(manifest: string, review: { lock: string; trustedKeys: string }, bindings = { '/data': tempDir() }) {
  const { dest, logger } = memory();
  try {
    const plugin = await loadPlugin({ manifest, bindings, logger, review: { require: true, ...review } });
    return { plugin, error: undefined, audits: dest };
  } catch (e) {
    return { plugin: undefined, error: e as HostError, audits: dest };
  }
}

describe('approve through the CLI, then a job with require_review runs', () => {
  it('keys generate, plugin approve, run: the load is verified and audited', () => {
    const dir = tempDir('dativo-review-cli-');
    const keys = runCli(['keys', 'generate', '--out', join(dir, 'alice'), '--owner', 'alice', '--trust', join(dir, 'trusted.yaml'), '--json']);
    expect(keys.status).toBe(0);
    const key = JSON.parse(keys.stdout) as { id: string; private: string };
    const lock = join(dir, 'plugins.lock.yaml');
    const ws = jobWorkspace(50);
    const job = ws.writeJob({
      policy: { require_review: true, review_lock: lock, trusted_keys: join(dir, 'trusted.yaml'), filesystem: [{ host: 'data', access: 'read' }] },
    });

    const before = runCli(['run', job, '--json']);
    expect(before.status).toBe(1);
    expect(JSON.parse(before.stdout).error).toMatchObject({ code: 'PLUGIN_NOT_REVIEWED' });

    const approved = runCli(['plugin', 'approve', CSV_READER_MANIFEST, '--reviewer', 'alice', '--key', key.private, '--note', 'first review', '--lock', lock, '--json']);
    expect(approved.stderr).toBe('');
    expect(approved.status).toBe(0);
    const entry = (parse(readFileSync(lock, 'utf8')) as { approvals: Record<string, unknown>[] }).approvals[0]!;
    expect(entry).toMatchObject({
      name: 'csv-reader', version: '0.1.0', sha256: sha256File(join(CSV_READER_MANIFEST, '..', 'csv-reader.wasm')), reviewer: 'alice', note: 'first review', key_id: key.id,
      capabilities: { filesystem: [{ guest: '/data', access: 'read' }], http: [], tcp: [], env: [], secrets: [] },
    });
    expect(entry.imports).toContain('wasi:filesystem/types@0.2.12');

    const run = runCli(['run', job, '--json'], { env: { DATIVO_LOG_LEVEL: 'info' } });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded', records: 50 });
    const verified = run.stderr.split('\n').filter((l) => l.includes('"review.verified"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(verified).toEqual([expect.objectContaining({ audit: true, plugin: 'csv-reader', status: 'approved', reviewer: 'alice', required_by: 'policy.require_review' })]);
  });
});

describe('refused before instantiation', () => {
  const ws = reviewWorkspace();
  const trusted = { lock: ws.lock, trustedKeys: ws.trusted };
  beforeAll(async () => {
    await approvePlugin(CSV_READER_MANIFEST, { reviewer: 'alice', key: ws.key, lock: ws.lock });
    await approvePlugin(shippedManifest('rest-api-reader'), { reviewer: 'alice', key: ws.key, lock: ws.lock });
  });

  it('the approved manifest loads, and the check is an audit record', async () => {
    const r = await load(CSV_READER_MANIFEST, trusted);
    expect(r.error).toBeUndefined();
    expect(r.audits.audits('review.verified')).toEqual([expect.objectContaining({ status: 'approved', key_id: ws.keyId })]);
  });

  it('one byte changed in the component (manifest digest updated too): PLUGIN_NOT_REVIEWED', async () => {
    const dir = copyDist('csv-reader');
    const wasm = join(dir, 'csv-reader.wasm');
    const bytes = readFileSync(wasm);
    const at = bytes.indexOf(Buffer.from('wit-component'));
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'W'.charCodeAt(0); // inside the producers section: still a valid component
    writeFileSync(wasm, bytes);
    const manifest = join(dir, 'plugin.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/sha256: [0-9a-f]+/, `sha256: ${sha256File(wasm)}`));
    const r = await load(manifest, trusted);
    expect(r.error).toMatchObject({ code: 'PLUGIN_NOT_REVIEWED' });
    expect(r.error!.message).toContain(sha256File(wasm));
    expect(r.error!.message).toContain('dativo-host plugin review');
    expect(r.audits.audits('review.refused')).toEqual([expect.objectContaining({ code: 'PLUGIN_NOT_REVIEWED' })]);
    expect(r.audits.audits('capability.granted')).toEqual([]);
  });

  it('a manifest widened by one host: PLUGIN_REVIEW_MISMATCH naming that host', async () => {
    const manifest = writeManifest(shippedComponent('rest-api-reader'), {
      name: 'rest-api-reader',
      capabilities: { http: ['https://api.example.com', 'https://exfil.example.net'], secrets: ['api_token'] },
    });
    const r = await load(manifest, trusted, {});
    expect(r.error).toMatchObject({ code: 'PLUGIN_REVIEW_MISMATCH', details: { differences: [{ kind: 'grant', capability: 'http', entry: 'https://exfil.example.net' }] } });
    expect(r.error!.message).toContain('new http grant https://exfil.example.net');
    expect(r.error!.message).toContain(`dativo-host plugin review ${manifest}`);
  });

  it('a raised limit and a read-write folder are differences too', async () => {
    const manifest = writeManifest(shippedComponent('csv-reader'), {
      name: 'csv-reader',
      capabilities: { filesystem: [{ guest: '/data', access: 'read-write' }] },
      limits: { memory_mb: 1024 },
    });
    const r = await load(manifest, trusted);
    expect(r.error).toMatchObject({ code: 'PLUGIN_REVIEW_MISMATCH' });
    expect(r.error!.message).toContain('filesystem /data: read-write (approved: read)');
    expect(r.error!.message).toContain('limit memory_mb 1024 (approved: 512)');
  });

  it('a manifest asking less than the approval still loads (narrowing needs no review)', async () => {
    const manifest = writeManifest(shippedComponent('rest-api-reader'), {
      name: 'rest-api-reader',
      capabilities: { http: [], secrets: [] },
      limits: { memory_mb: 64, call_timeout_ms: 5000 },
    });
    const r = await load(manifest, trusted, {});
    expect(r.error).toBeUndefined();
  });

  it('a tampered lock entry fails its signature: PLUGIN_REVIEW_INVALID', async () => {
    const lock = join(tempDir(), 'plugins.lock.yaml');
    const doc = parse(readFileSync(ws.lock, 'utf8')) as { approvals: { name: string; capabilities: { http: string[] } }[] };
    doc.approvals.find((a) => a.name === 'rest-api-reader')!.capabilities.http.push('https://exfil.example.net');
    writeFileSync(lock, stringify(doc));
    const manifest = writeManifest(shippedComponent('rest-api-reader'), {
      name: 'rest-api-reader',
      capabilities: { http: ['https://api.example.com', 'https://exfil.example.net'], secrets: ['api_token'] },
    });
    const r = await load(manifest, { lock, trustedKeys: ws.trusted }, {});
    expect(r.error).toMatchObject({ code: 'PLUGIN_REVIEW_INVALID' });
    expect(r.error!.message).toContain('does not verify');
  });

  it('an approval signed by a key the keys file does not trust: PLUGIN_REVIEW_INVALID', async () => {
    const other = generateKeys();
    const keys = join(tempDir(), 'trusted.yaml');
    writeFileSync(keys, stringify({ keys: [{ id: other.id, owner: 'mallory', public_key: other.publicPem }] }));
    const r = await load(CSV_READER_MANIFEST, { lock: ws.lock, trustedKeys: keys });
    expect(r.error).toMatchObject({ code: 'PLUGIN_REVIEW_INVALID' });
    expect(r.error!.message).toContain(`signed by key ${ws.keyId}, which ${keys} does not trust`);
  });

  it('a keys file entry whose id is not its key\'s own is refused', async () => {
    const other = generateKeys();
    const keys = join(tempDir(), 'trusted.yaml');
    writeFileSync(keys, stringify({ keys: [{ id: ws.keyId, owner: 'mallory', public_key: other.publicPem }] }));
    const r = await load(CSV_READER_MANIFEST, { lock: ws.lock, trustedKeys: keys });
    expect(r.error).toMatchObject({ code: 'REVIEW_KEYS_INVALID' });
  });

  it('a revoked approval is refused, and so is the old entry put back', async () => {
    const own = reviewWorkspace();
    await approvePlugin(CSV_READER_MANIFEST, { reviewer: 'alice', key: own.key, lock: own.lock, now: new Date('2026-01-01T00:00:00Z') });
    const approved = readFileSync(own.lock, 'utf8');
    const revoke = runCli(['plugin', 'revoke', 'csv-reader@0.1.0', '--by', 'bob', '--reason', 'CVE in the CSV parser', '--lock', own.lock]);
    expect(revoke.status).toBe(0);
    const review = { lock: own.lock, trustedKeys: own.trusted };
    const r = await load(CSV_READER_MANIFEST, review);
    expect(r.error).toMatchObject({ code: 'PLUGIN_REVIEW_REVOKED' });
    expect(r.error!.message).toContain('CVE in the CSV parser');

    const lock = parse(readFileSync(own.lock, 'utf8')) as { approvals: unknown[]; revocations: unknown[] };
    expect(lock.revocations).toEqual([expect.objectContaining({ name: 'csv-reader', revoked_by: 'bob', approved_by: 'alice' })]);
    lock.approvals = (parse(approved) as { approvals: unknown[] }).approvals; // replay the signed entry
    writeFileSync(own.lock, stringify(lock));
    expect((await load(CSV_READER_MANIFEST, review)).error).toMatchObject({ code: 'PLUGIN_REVIEW_REVOKED' });

    await approvePlugin(CSV_READER_MANIFEST, { reviewer: 'alice', key: own.key, lock: own.lock }); // a new review, after the revocation
    expect((await load(CSV_READER_MANIFEST, review)).error).toBeUndefined();
  });

  it('revoking what the lock does not hold is an error', async () => {
    await expect(revokePlugin('nope', { lock: ws.lock })).rejects.toMatchObject({ code: 'REVIEW_NOT_APPROVED' });
  });
});

describe('where review is required', () => {
  const ws = reviewWorkspace();
  const quiet = () => memory().logger;

  it('DATIVO_REQUIRE_REVIEW_IN makes it the default of an environment; a job narrowing the approval runs', async () => {
    const job = jobWorkspace(20);
    const file = job.writeJob({ environment: 'prod', policy: { review_lock: ws.lock, trusted_keys: ws.trusted, filesystem: [{ host: 'data', access: 'read' }], limits: { memory_mb: 128 } } });
    const env = { ...process.env, DATIVO_REQUIRE_REVIEW_IN: 'staging,prod' };
    await expect(runJob(file, { env, logger: quiet() })).rejects.toMatchObject({ code: 'PLUGIN_NOT_REVIEWED' });
    // the same job in another environment needs no approval
    const dev = job.writeJob({ environment: 'dev', policy: { review_lock: ws.lock, trusted_keys: ws.trusted } });
    await expect(runJob(dev, { env, logger: quiet() })).resolves.toMatchObject({ records: 20 });

    // approved with /data read-write; the job runs the shipped manifest (read) under a policy that lowers memory
    const wider = writeManifest(shippedComponent('csv-reader'), { name: 'csv-reader', capabilities: { filesystem: [{ guest: '/data', access: 'read-write' }] }, limits: { memory_mb: 512, call_timeout_ms: 120000, max_batch_bytes: 134217728 } });
    await approvePlugin(wider, { reviewer: 'alice', key: ws.key, lock: ws.lock });
    job.writeJob({ environment: 'prod', policy: { review_lock: ws.lock, trusted_keys: ws.trusted, filesystem: [{ host: 'data', access: 'read' }], limits: { memory_mb: 128 } } });
    await expect(runJob(file, { env, logger: quiet() })).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('the lock\'s require_review_in does the same; policy.require_review: false does not lift it', async () => {
    const own = reviewWorkspace();
    writeFileSync(own.lock, stringify({ version: 1, require_review_in: ['prod'], approvals: [], revocations: [] }));
    const job = jobWorkspace(5);
    const file = job.writeJob({ environment: 'prod', policy: { require_review: false, review_lock: own.lock, trusted_keys: own.trusted, filesystem: [{ host: 'data', access: 'read' }] } });
    await expect(runJob(file, { env: {}, logger: quiet() })).rejects.toMatchObject({ code: 'PLUGIN_NOT_REVIEWED' });
  });
});

describe('the shipped lock and the library', () => {
  it('registry/plugins.lock.yaml requires review in prod: a prod job with no review settings is refused', async () => {
    const job = jobWorkspace(5);
    const file = job.writeJob({ environment: 'prod', policy: { filesystem: [{ host: 'data', access: 'read' }] } });
    const e = await runJob(file, { env: {}, logger: memory().logger }).catch((x: HostError) => x);
    expect(e).toMatchObject({ code: 'PLUGIN_NOT_REVIEWED', details: { lock: join(REPO, 'registry', 'plugins.lock.yaml') } });
  });

  it('verifyApproval (the package entry) gates a change in CI without throwing', async () => {
    const ws = reviewWorkspace();
    await approvePlugin(shippedManifest('rest-api-reader'), { reviewer: 'alice', key: ws.key, lock: ws.lock });
    const opts = { lock: ws.lock, trustedKeys: ws.trusted };
    expect(await verifyApproval(shippedManifest('rest-api-reader'), opts)).toMatchObject({ status: 'approved', signedBy: 'alice' });
    const widened = writeManifest(shippedComponent('rest-api-reader'), { name: 'rest-api-reader', capabilities: { http: ['https://*.example.com'], secrets: ['api_token'] } });
    expect(await verifyApproval(widened, opts)).toMatchObject({ status: 'mismatch', code: 'PLUGIN_REVIEW_MISMATCH', differences: [{ capability: 'http', entry: 'https://*.example.com' }] });
    expect(await verifyApproval(CSV_READER_MANIFEST, opts)).toMatchObject({ status: 'not-reviewed', code: 'PLUGIN_NOT_REVIEWED' });
  });
});
