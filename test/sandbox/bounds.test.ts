/**
 * Bounds on what a reader plugin returns (issue 11, items 6 and 10): tiny output that
 * would cost the host far more than its size is refused with a typed error before it is
 * decoded; malformed Arrow batches are BATCH_INVALID, never an untyped failure. The
 * bombs are real actions of the Rust probe (src/bombs.rs).
 */
import { RecordBatchReader } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseContract, contractObjectFor } from '../../host/src/contracts/index.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { decodeBatch } from '../../host/src/pipeline/decode.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { Batch } from '../../host/src/runtime/plugin-types.js';
import { fixture, writeManifest } from '../helpers/fixtures.js';

const CONTRACT = `apiVersion: v3.0.2
kind: DataContract
id: probe
version: 1.0.0
status: active
schema:
  - name: probe
    logicalType: object
    properties:
      - { name: n, logicalType: integer }
      - { name: deep, logicalType: array }
`;
const probeObject = contractObjectFor(parseContract(CONTRACT, 'probe.odcs.yaml'), 'probe');
const schema = { type: 'object', properties: { n: { type: 'integer' }, deep: { type: 'array' } } };

/** The batches of one probe action through the real reader client, or the error it failed with. */
async function read(config: Record<string, unknown>, limits: Record<string, unknown> = {}) {
  const manifest = writeManifest(fixture('rust', 'probe-reader'), { name: 'probe-rust', limits });
  const logs = new MemoryLogDestination();
  const plugin = await loadPlugin({ manifest, env: {}, logger: createLogger({ destination: logs }) });
  const reader = await plugin.openReader();
  const batches: Batch[] = [];
  let error: HostError | undefined;
  try {
    for await (const b of reader.read({ config, stream: 'probe', schema })) batches.push(b);
  } catch (e) {
    error = e as HostError;
  } finally {
    await reader.close();
  }
  return { batches, error, logs };
}

const refusal = (limit: string) => ({ code: 'PLUGIN_OUTPUT_LIMIT', details: expect.objectContaining({ limit, plugin: 'probe-rust' }) });

describe('bounds on reader output (rust probe)', () => {
  it('refuses an Arrow batch with no columns claiming 100 M rows (rows per batch)', async () => {
    const r = await read({ action: 'ipc-rows', rows: 100_000_000 });
    expect(r.batches).toHaveLength(0);
    expect(r.error).toMatchObject(refusal('max_batch_rows'));
    expect(r.error?.details).toMatchObject({ actual: 100_000_000, max: 1024 * 1024 });
    const small = await read({ action: 'ipc-rows', rows: 10 });
    expect(small.error).toBeUndefined();
    expect([...RecordBatchReader.from(small.batches[0]!.bytes)].map((b) => b.numRows)).toEqual([10]);
  });

  it('refuses a small dictionary that expands to GBs, from the headers', async () => {
    // 4 MB of indices, one 1 MiB value: 1 TiB once every row is its value.
    const r = await read({ action: 'ipc-dictionary', rows: 1_000_000, value_bytes: 1 << 20 });
    expect(r.error).toMatchObject(refusal('max_batch_expanded_bytes'));
    expect((r.error?.details as { actual: number }).actual).toBeGreaterThan(1e12);
    // The same shape within the bound decodes: the forged stream is a valid one.
    const ok = await read({ action: 'ipc-dictionary', rows: 1000, value_bytes: 100 });
    expect(ok.error).toBeUndefined();
    const [rb] = [...decodeBatch(ok.batches[0]!, probeObject)];
    expect(rb!.numRows).toBe(1000);
    expect(rb!.getChild('s')!.get(999)).toBe('x'.repeat(100));
  });

  it('refuses dictionary indices past the dictionary', async () => {
    const r = await read({ action: 'ipc-dictionary', rows: 1000, value_bytes: 10, index: 7 });
    expect(r.error).toMatchObject({ code: 'BATCH_INVALID' });
    expect(String(r.error?.details.reason)).toMatch(/row 0 has dictionary index 7; the dictionary holds 1 values/);
  });

  it('the expanded-bytes bound is the job policy / manifest limit', async () => {
    const r = await read({ action: 'ipc-dictionary', rows: 1000, value_bytes: 100 }, { max_batch_expanded_bytes: 50_000 });
    expect(r.error).toMatchObject(refusal('max_batch_expanded_bytes'));
  });

  it.each([
    ['ipc-garbage', { bytes: 4096 }, /cannot be read|body|header/],
    ['ipc-out-of-range', {}, /outside its .*-byte body/],
    ['ipc-compressed', {}, /compressed body/],
  ])('%s is a typed BATCH_INVALID', async (action, params, reason) => {
    const r = await read({ action, ...params });
    expect(r.error).toMatchObject({ code: 'BATCH_INVALID', details: expect.objectContaining({ encoding: 'arrow-ipc-stream' }) });
    expect(String(r.error?.details.reason)).toMatch(reason);
  });

  it('a well-formed forged batch passes and decodes', async () => {
    const r = await read({ action: 'ipc-ok', rows: 1000 });
    expect(r.error).toBeUndefined();
    const [rb] = [...decodeBatch(r.batches[0]!, probeObject)];
    expect(rb!.getChild('n')!.toArray()).toEqual(Int32Array.from({ length: 1000 }, (_, i) => i));
  });

  it('refuses a 60 MB JSON line (bytes per line)', async () => {
    const r = await read({ action: 'json-line', bytes: 60 << 20 }, { max_batch_bytes: 128 << 20 });
    expect(r.error).toMatchObject(refusal('max_json_line_bytes'));
  });

  it('100,000-deep JSON is a typed BATCH_INVALID when decoded, not an internal error', async () => {
    const r = await read({ action: 'json-deep', depth: 100_000 });
    expect(r.error).toBeUndefined();
    let error: HostError | undefined;
    try {
      [...decodeBatch(r.batches[0]!, probeObject)];
    } catch (e) {
      error = e as HostError;
    }
    expect(error).toMatchObject({ code: 'BATCH_INVALID', origin: 'plugin' });
  });

  it('refuses a checkpoint over max_checkpoint_bytes', async () => {
    const r = await read({ action: 'big-checkpoint', bytes: 4 << 20 });
    expect(r.batches).toHaveLength(0);
    expect(r.error).toMatchObject(refusal('max_checkpoint_bytes'));
    const ok = await read({ action: 'big-checkpoint', bytes: 1000 });
    expect(ok.batches[0]?.checkpoint).toHaveLength(1000 + '{"n":0,"pad":""}'.length);
  });

  it('cuts a 20 MB error message at max_message_bytes and keeps its code', async () => {
    const r = await read({ action: 'big-error', bytes: 20 << 20 });
    expect(r.error).toMatchObject({ code: 'PLUGIN_DATA', details: expect.objectContaining({ pluginCode: 'PROBE_BIG_ERROR' }) });
    expect(r.error!.message.length).toBeLessThan(64 * 1024 + 200);
    expect(r.error!.message).toContain('bytes cut: limits.max_message_bytes');
  });
});
