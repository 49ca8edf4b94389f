/**
 * The warehouse as Iceberg sees it: the target's root as a URI (file:///... or
 * s3://bucket/prefix), and the binary reads the snapshot commit needs (the parent's
 * manifest list), which the text-only TargetStore does not offer.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { S3TargetOptions } from '../s3-store.js';
import { s3Error } from '../s3-store.js';
import { IcebergTargetError } from './errors.js';

/** Manifest lists are small; a bigger file is not one this host can carry in memory. */
const MAX_MANIFEST_LIST_BYTES = 64 * 2 ** 20;

export interface Warehouse {
  /** The root URI, no trailing slash. */
  readonly root: string;
  readBytes(key: string): Promise<Uint8Array>;
}

/** The store key of a URI under the warehouse root, or undefined when it lies elsewhere. */
export function keyOf(warehouse: Warehouse, uri: string): string | undefined {
  const normal = uri.replace(/^file:\/(?!\/)/, 'file:///'); // Java writes file:/path
  const prefix = `${warehouse.root}/`;
  if (!normal.startsWith(prefix)) return undefined;
  const key = normal.slice(prefix.length);
  return key.split('/').some((s) => s === '' || s === '.' || s === '..') ? undefined : key;
}

export function localWarehouse(folder: string): Warehouse {
  const root = resolve(folder);
  return {
    root: `file://${root}`,
    async readBytes(key) {
      const file = join(root, ...key.split('/'));
      // The path must stay under the root once links are resolved.
      const real = await realpath(file).catch(() => file);
      if (real !== file || !(await lstat(file)).isFile()) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `${file} is not a plain file under ${root}`);
      if ((await lstat(file)).size > MAX_MANIFEST_LIST_BYTES) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `${file} is larger than ${MAX_MANIFEST_LIST_BYTES} bytes`);
      return readFile(file);
    },
  };
}

export async function s3Warehouse(opts: S3TargetOptions): Promise<Warehouse> {
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const prefix = opts.prefix.replace(/^\/+|\/+$/g, '');
  return {
    root: `s3://${opts.bucket}${prefix ? `/${prefix}` : ''}`,
    async readBytes(key) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: opts.bucket, Key: [prefix, key].filter(Boolean).join('/') }));
        if ((r.ContentLength ?? 0) > MAX_MANIFEST_LIST_BYTES) throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `s3://${opts.bucket}/${key} is larger than ${MAX_MANIFEST_LIST_BYTES} bytes`);
        return await r.Body!.transformToByteArray();
      } catch (e) {
        if (e instanceof IcebergTargetError) throw e;
        throw s3Error(e, opts.bucket, 'read manifest list');
      }
    },
  };
}
