/**
 * Names the commit protocol builds paths from. Each is checked against a strict pattern
 * before it becomes part of a path: a name read back from the target (a manifest, a
 * folder listing) may have been planted by a plugin that could write there.
 */
import { TargetError } from './errors.js';

/** 20261125T091500Z-a1b2c3 (see newRunId). */
export const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;
/** A contract object's name as a folder: no separators, no leading dot or underscore. */
export const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** The stream names a run writes: an object, or its quarantine table `_rejected/<object>`. */
export const STREAM_ID = /^(_rejected\/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A tenant or job name (config/job.ts allows the same characters). */
export const SCOPE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/** One segment of a file path inside a stream's run folder (partition folders, part files). */
const FILE_SEGMENT = /^[A-Za-z0-9_=%.+-]{1,255}$/;

export function checkName(kind: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value) || value === '.' || value === '..') {
    throw new TargetError('TARGET_UNSAFE', `invalid ${kind} ${JSON.stringify(value)} (allowed: ${pattern.source})`, { details: { kind, value } });
  }
  return value;
}

/** A relative file path inside a run folder: plain segments, never `.`, `..` or empty. */
export function checkRelPath(rel: string): string {
  const segments = rel.split('/');
  if (segments.some((s) => !FILE_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new TargetError('TARGET_UNSAFE', `invalid file path ${JSON.stringify(rel)} inside a run folder`, { details: { path: rel } });
  }
  return rel;
}

/** `<stream>/run_id=<run>`: where a stream's files of one run become visible. */
export const runFolder = (stream: string, runId: string): string => `${stream}/run_id=${runId}`;
