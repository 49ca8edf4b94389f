/**
 * Benchmark reader: emits `rows` records of 5 columns (id int, name string, amount
 * float, active bool, created_at timestamp string) in batches of `batch_rows`, built
 * by one of several strategies (`mode`) so their costs can be compared through the host.
 */
import { defineReader, JsonLinesBatch, PluginError, type Batch } from '../../sdk/src/index.js';

const MODES = ['object-add', 'object-add-all', 'template', 'template-no-date', 'template-build-only', 'template-encode-into', 'stringify-join', 'constant', 'encode-only', 'date-only'] as const;
type Mode = (typeof MODES)[number];

interface Config {
  rows: number;
  batch_rows: number;
  mode: Mode;
}

const encoder = new TextEncoder();
const BASE_TS = Date.UTC(2024, 0, 1);

export const reader = defineReader<Config>({
  spec: { version: '0.1.0', configSchema: { type: 'object' } },
  parseConfig(v) {
    const c = v as Partial<Config>;
    const mode = c.mode ?? 'object-add-all';
    if (!MODES.includes(mode)) throw PluginError.config(`mode must be one of ${MODES.join(', ')}`);
    return { rows: c.rows ?? 100_000, batch_rows: c.batch_rows ?? 10_000, mode };
  },
  discover: () => [{ name: 'bench', primaryKey: ['id'] }],
  open({ config }) {
    let next = 0;
    const batch = new JsonLinesBatch({ maxRows: config.batch_rows });
    // 'constant' and 'encode-only' measure the floor: the same batch each time.
    let constantText: string | undefined;
    let constantBytes: Uint8Array | undefined;
    const iso = (i: number) => new Date(BASE_TS + i * 1000).toISOString();
    let scratch = new Uint8Array(0);
    const constantBatch = (end: number): Batch => {
      if (constantBytes === undefined) {
        const b = new JsonLinesBatch();
        for (let i = 0; i < config.batch_rows; i++)
          b.addLine(`{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"${iso(i)}"}`);
        constantBytes = b.take()!.bytes;
      }
      const n = end - next;
      next = end;
      return { encoding: 'json-lines', bytes: n === config.batch_rows ? constantBytes : constantBytes.subarray(0, nthNewline(constantBytes, n) + 1) };
    };
    return {
      next(): Batch | undefined {
        if (next >= config.rows) return undefined;
        const end = Math.min(config.rows, next + config.batch_rows);
        switch (config.mode) {
          case 'object-add':
            for (let i = next; i < end; i++) batch.add({ id: i, name: 'name-' + i, amount: i * 0.25, active: (i & 1) === 0, created_at: iso(i) });
            break;
          case 'object-add-all': {
            const recs = [];
            for (let i = next; i < end; i++) recs.push({ id: i, name: 'name-' + i, amount: i * 0.25, active: (i & 1) === 0, created_at: iso(i) });
            batch.addAll(recs);
            break;
          }
          case 'template':
            for (let i = next; i < end; i++)
              batch.addLine(`{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"${iso(i)}"}`);
            break;
          case 'template-no-date':
            for (let i = next; i < end; i++)
              batch.addLine(`{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"2024-01-01T00:00:00.000Z"}`);
            break;
          case 'date-only': {
            let k = 0;
            for (let i = next; i < end; i++) k += iso(i).length;
            if (k < 0) throw new Error('unreachable');
            return constantBatch(end);
          }
          case 'template-build-only': {
            let text = '';
            for (let i = next; i < end; i++)
              text += `{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"${iso(i)}"}\n`;
            if (text.length === 0) throw new Error('unreachable');
            return constantBatch(end);
          }
          case 'template-encode-into': {
            let text = '';
            for (let i = next; i < end; i++)
              text += `{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"${iso(i)}"}\n`;
            if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
            const { written } = encoder.encodeInto(text, scratch);
            next = end;
            return { encoding: 'json-lines', bytes: scratch.subarray(0, written) };
          }
          case 'stringify-join': {
            const lines: string[] = [];
            for (let i = next; i < end; i++) lines.push(JSON.stringify({ id: i, name: 'name-' + i, amount: i * 0.25, active: (i & 1) === 0, created_at: iso(i) }));
            next = end;
            return { encoding: 'json-lines', bytes: encoder.encode(lines.join('\n') + '\n') };
          }
          case 'constant':
          case 'encode-only': {
            if (constantText === undefined) {
              for (let i = 0; i < config.batch_rows; i++)
                batch.addLine(`{"id":${i},"name":"name-${i}","amount":${i * 0.25},"active":${(i & 1) === 0},"created_at":"${iso(i)}"}`);
              const b = batch.take()!;
              constantBytes = b.bytes;
              constantText = new TextDecoder().decode(b.bytes);
            }
            const n = end - next;
            next = end;
            const bytes = config.mode === 'constant' ? constantBytes! : encoder.encode(constantText);
            // a final short batch still carries n rows: cut at the n-th newline
            return { encoding: 'json-lines', bytes: n === config.batch_rows ? bytes : bytes.subarray(0, nthNewline(bytes, n) + 1) };
          }
        }
        next = end;
        return batch.take();
      },
    };
  },
});

function nthNewline(bytes: Uint8Array, n: number): number {
  let seen = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && ++seen === n) return i;
  return bytes.length - 1;
}
