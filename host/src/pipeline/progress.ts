/** How far a run has got: what the CLI's progress line and --json summary show. */
export interface Progress {
  stream: string;
  records: number;
  bytes: number;
  batches: number;
  /** Bytes waiting in the stream's queue after this batch was taken. */
  queueBytes: number;
  elapsedMs: number;
  /** The source's own estimate of the stream's records (an Airbyte ESTIMATE), when it sent one. */
  estimatedRecords?: number;
}

export const recordsPerSecond = (p: Progress): number => (p.elapsedMs > 0 ? (p.records * 1000) / p.elapsedMs : 0);

export function formatProgress(p: Progress): string {
  const mb = (p.bytes / 2 ** 20).toFixed(1);
  const of = p.estimatedRecords === undefined ? '' : ` of ~${p.estimatedRecords.toLocaleString('en-US')}`;
  return `${p.stream}: ${p.records.toLocaleString('en-US')}${of} records, ${mb} MiB, ${Math.round(recordsPerSecond(p)).toLocaleString('en-US')} records/s, ${(p.elapsedMs / 1000).toFixed(1)} s`;
}
