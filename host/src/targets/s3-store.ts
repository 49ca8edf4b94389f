import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { TargetError } from './errors.js';
import type { ObjectWriter, TargetStore } from './store.js';

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
const MAX_TEXT_BYTES = 16 * 2 ** 20;

const AUTH = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'ExpiredToken', 'InvalidToken', 'CredentialsProviderError']);

/** An AWS SDK failure as a typed TargetError: no stack trace, the bucket named. */
export function s3Error(e: unknown, bucket: string, what: string): TargetError {
  if (e instanceof TargetError) return e;
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const name = err.name ?? '';
  const details = { bucket, operation: what, awsError: name, status };
  if (AUTH.has(name) || status === 403 || status === 401) {
    return new TargetError('TARGET_AUTH', `s3://${bucket}: the credentials were refused (${name || status}) during ${what}`, { details });
  }
  if (name === 'NoSuchBucket' || (status === 404 && what === 'check')) {
    return new TargetError('TARGET_NOT_FOUND', `s3://${bucket}: no such bucket`, { details });
  }
  const transient = status === undefined || status >= 500 || status === 429 || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(err.code ?? '');
  return new TargetError('TARGET_IO', `s3://${bucket}: ${what} failed: ${err.message ?? name}`, { details, retryable: transient });
}

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
};

/**
 * An S3 bucket and prefix as a store. S3 has no rename: move copies each object, then
 * deletes it, so a move is visible object by object (readers that must never see part
 * of a run read the commit manifests, as table formats do).
 */
export class S3Store implements TargetStore {
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

  #key(key: string): string {
    if (key.split('/').some((s) => s === '.' || s === '..' || s.includes('\0'))) {
      throw new TargetError('TARGET_UNSAFE', `invalid key ${JSON.stringify(key)}`, { details: { key } });
    }
    return [this.#prefix, key].filter(Boolean).join('/');
  }

  async #send<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw s3Error(e, this.#bucket, what);
    }
  }

  async #keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.#send('list', () => this.#s3.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token })));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async create(key: string): Promise<ObjectWriter> {
    const Key = this.#key(key);
    const Bucket = this.#bucket;
    const s3 = this.#s3;
    const send = this.#send.bind(this);
    const { UploadId } = await send('upload', () => s3.send(new CreateMultipartUploadCommand({ Bucket, Key })));
    const parts: { ETag: string; PartNumber: number }[] = [];
    let buffer: Uint8Array[] = [];
    let buffered = 0;
    let total = 0;
    const flush = async () => {
      const body = Buffer.concat(buffer);
      buffer = [];
      buffered = 0;
      const PartNumber = parts.length + 1;
      const r = await send('upload', () => s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: body })));
      parts.push({ ETag: r.ETag!, PartNumber });
    };
    return {
      async write(chunk) {
        buffer.push(chunk);
        buffered += chunk.byteLength;
        total += chunk.byteLength;
        if (buffered >= PART_BYTES) await flush();
      },
      async close() {
        try {
          if (buffered > 0 || parts.length === 0) await flush();
          await send('upload', () => s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })));
        } catch (e) {
          await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
          throw e;
        }
        return total;
      },
    };
  }

  async read(key: string): Promise<{ text: string; version: string } | undefined> {
    try {
      const r = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      if ((r.ContentLength ?? 0) > MAX_TEXT_BYTES) {
        throw new TargetError('TARGET_CORRUPT', `s3://${this.#bucket}/${this.#key(key)} is ${r.ContentLength} bytes; the host writes at most ${MAX_TEXT_BYTES} there`);
      }
      return { text: await r.Body!.transformToString(), version: r.ETag ?? '' };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw s3Error(e, this.#bucket, 'read');
    }
  }

  async write(key: string, text: string): Promise<void> {
    await this.#send('write', () => this.#s3.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#key(key), Body: text, ContentType: 'application/json' })));
  }

  async writeIf(key: string, text: string, condition: { absent: true } | { version: string }): Promise<boolean> {
    // Conditional writes (If-None-Match / If-Match) are what make a lock safe against a
    // racer: AWS S3 and MinIO honour them; a store that ignores them loses that race.
    const cond = 'absent' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.version };
    try {
      await this.#s3.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#key(key), Body: text, ContentType: 'application/json', ...cond }));
      return true;
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw s3Error(e, this.#bucket, 'write');
    }
  }

  async delete(key: string): Promise<void> {
    await this.#send('delete', () => this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) })));
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix === '' ? (this.#prefix ? `${this.#prefix}/` : '') : `${this.#key(prefix)}/`;
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const r = await this.#send('list', () => this.#s3.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: base, Delimiter: '/', ContinuationToken: token })));
      for (const o of r.Contents ?? []) if (o.Key) names.add(o.Key.slice(base.length));
      for (const p of r.CommonPrefixes ?? []) if (p.Prefix) names.add(p.Prefix.slice(base.length).replace(/\/$/, ''));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return [...names].filter(Boolean).sort();
  }

  async move(from: string, to: string): Promise<void> {
    const src = `${this.#key(from)}/`;
    const dst = `${this.#key(to)}/`;
    for (const key of await this.#keys(src)) {
      const target = dst + key.slice(src.length);
      await this.#send('copy', () => this.#s3.send(new CopyObjectCommand({ Bucket: this.#bucket, Key: target, CopySource: `${this.#bucket}/${encodeURI(key)}` })));
      await this.#send('delete', () => this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key })));
    }
  }

  async removeAll(prefix: string): Promise<void> {
    for (const key of await this.#keys(`${this.#key(prefix)}/`)) await this.delete(key.slice(this.#prefix ? this.#prefix.length + 1 : 0));
  }

  async sync(): Promise<void> {
    // An object exists durably once its upload completes.
  }

  async check(): Promise<void> {
    await this.#send('check', () => this.#s3.send(new HeadBucketCommand({ Bucket: this.#bucket })));
    await this.#send('check', () => this.#s3.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, MaxKeys: 1 })));
  }
}
