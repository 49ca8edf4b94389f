import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { crashPoint } from '../files/crash-point.js';
import type { CommitRecord, RunStaging, StagedFile, Target } from './target.js';

export interface S3TargetOptions {
  bucket: string;
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, ...); path-style addressing is used with it. */
  endpoint?: string;
  /** Default: the AWS SDK's credential chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const PART_BYTES = 8 * 2 ** 20; // S3 parts must be at least 5 MiB (but the last)

/**
 * An S3 bucket and prefix as target, with the local target's protocol:
 *
 *   <prefix>/<stream>/run_id=<run>/...            committed data
 *   <prefix>/_dativo/staging/<run>/<stream>/...    objects being written (multipart, bounded memory)
 *   <prefix>/_dativo/pending/<run>.json            commit point passed
 *   <prefix>/_dativo/commits/<run>.json            finished commits (the list of a run's objects)
 *
 * S3 has no rename: commit copies each staged object to its final key, so the objects of
 * a run appear one by one during the commit. Readers that must never see part of a run
 * read the commit manifests (as table formats do); after a crash, `recover` finishes the copy.
 */
export class S3Target implements Target {
  readonly description: string;
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(opts: S3TargetOptions) {
    this.#bucket = opts.bucket;
    this.#prefix = opts.prefix.replace(/^\/+|\/+$/g, '');
    this.description = `s3://${opts.bucket}/${this.#prefix}`;
    this.#s3 = new S3Client({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    });
  }

  #key = (...parts: string[]) => [this.#prefix, ...parts].filter(Boolean).join('/');

  async #list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.#s3.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async #getJson<T>(key: string): Promise<T> {
    const r = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    return JSON.parse(await r.Body!.transformToString()) as T;
  }

  #put(key: string, body: string) {
    return this.#s3.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }

  #delete(key: string) {
    return this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async recover(applied: (record: CommitRecord) => Promise<void>): Promise<CommitRecord[]> {
    const pending = (await this.#list(this.#key('_dativo', 'pending') + '/')).filter((k) => k.endsWith('.json')).sort();
    const done: CommitRecord[] = [];
    for (const key of pending) {
      const record = await this.#getJson<CommitRecord>(key);
      await this.#finish(record, applied);
      done.push(record);
    }
    const runsPending = new Set(done.map((r) => r.runId));
    for (const key of await this.#list(this.#key('_dativo', 'staging') + '/')) {
      const run = key.slice(this.#key('_dativo', 'staging').length + 1).split('/')[0]!;
      if (!runsPending.has(run)) await this.#delete(key);
    }
    return done;
  }

  async beginRun(runId: string): Promise<RunStaging> {
    const staged: string[] = [];
    const target = this;
    return {
      runId,
      async createFile(stream: string, relPath: string): Promise<StagedFile> {
        if (stream.includes('/') || relPath.split('/').includes('..')) throw new Error(`invalid object path ${stream}/${relPath}`);
        const key = target.#key('_dativo', 'staging', runId, stream, relPath);
        staged.push(key);
        return target.#upload(key, `${stream}/run_id=${runId}/${relPath}`);
      },
      async commit(record, applied) {
        crashPoint('after-staging');
        const committed: CommitRecord = { ...record, committedAt: new Date().toISOString() };
        await target.#put(target.#key('_dativo', 'pending', `${runId}.json`), JSON.stringify(committed, null, 2));
        crashPoint('after-commit-point');
        await target.#finish(committed, applied);
        return committed;
      },
      async abort() {
        for (const key of await target.#list(target.#key('_dativo', 'staging', runId) + '/')) await target.#delete(key);
      },
    };
  }

  /** Idempotent: copies what is still staged, applies, then files the manifest under commits/. */
  async #finish(record: CommitRecord, applied: (record: CommitRecord) => Promise<void>): Promise<void> {
    for (const f of record.files) {
      const [stream, , ...rest] = f.path.split('/'); // <stream>/run_id=<run>/<rest>
      const from = this.#key('_dativo', 'staging', record.runId, stream!, ...rest);
      const to = this.#key(f.path);
      try {
        await this.#s3.send(new CopyObjectCommand({ Bucket: this.#bucket, Key: to, CopySource: `${this.#bucket}/${encodeURI(from)}` }));
        await this.#delete(from);
      } catch (e) {
        // Already copied and deleted by an earlier, interrupted finish.
        if ((e as { name?: string }).name !== 'NoSuchKey') throw e;
      }
    }
    crashPoint('after-publish');
    await applied(record);
    crashPoint('after-state');
    await this.#put(this.#key('_dativo', 'commits', `${record.runId}.json`), JSON.stringify(record, null, 2));
    await this.#delete(this.#key('_dativo', 'pending', `${record.runId}.json`));
  }

  /** A staged object written by multipart upload: at most one part in memory. */
  async #upload(key: string, finalPath: string): Promise<StagedFile> {
    const s3 = this.#s3;
    const Bucket = this.#bucket;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
    const parts: { ETag: string; PartNumber: number }[] = [];
    let buffer: Uint8Array[] = [];
    let buffered = 0;
    let total = 0;
    const flush = async () => {
      const body = Buffer.concat(buffer);
      buffer = [];
      buffered = 0;
      const PartNumber = parts.length + 1;
      const r = await s3.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body: body }));
      parts.push({ ETag: r.ETag!, PartNumber });
    };
    return {
      path: finalPath,
      async write(chunk) {
        buffer.push(chunk);
        buffered += chunk.byteLength;
        total += chunk.byteLength;
        if (buffered >= PART_BYTES) await flush();
      },
      async close() {
        try {
          if (buffered > 0 || parts.length === 0) await flush();
          await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
        } catch (e) {
          await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => undefined);
          throw e;
        }
        return total;
      },
    };
  }
}
