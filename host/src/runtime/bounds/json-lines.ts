/**
 * What a JSON Lines batch will cost the host, from its bytes before any line is parsed:
 * the number of lines (rows) and the longest line. Parsing a line costs a multiple of
 * its bytes in JavaScript objects, so each line is bounded on its own.
 */
import type { BatchBounds, Refuse } from './index.js';

const NEWLINE = 10;

export function checkJsonLinesBatch(bytes: Uint8Array, bounds: BatchBounds, refuse: Refuse): void {
  let rows = 0;
  let longest = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    if (end - start > longest) longest = end - start;
    if (end > start) rows++;
    start = end + 1;
  }
  const { maxJsonLineBytes, maxRows, maxExpandedBytes } = bounds;
  if (longest > maxJsonLineBytes) refuse.limit('a JSON Lines line (bytes)', 'max_json_line_bytes', longest, maxJsonLineBytes);
  if (rows > maxRows) refuse.limit('a JSON Lines batch (lines)', 'max_batch_rows', rows, maxRows);
  // The columns the host builds for the contract: at most 8 bytes a row each, plus the text.
  const expanded = bytes.length + rows * 8 * bounds.contractFields;
  if (expanded > maxExpandedBytes) {
    const what = 'a JSON Lines batch that expands to (bytes, estimated)';
    refuse.limit(what, 'max_batch_expanded_bytes', expanded, maxExpandedBytes);
  }
}
