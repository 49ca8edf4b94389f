#!/usr/bin/env node
// Deterministic order data for the examples and benchmarks: the same --rows and --seed
// always give the same bytes. Columns match examples/contracts/orders.odcs.yaml.
//   node examples/generate-orders.mjs --rows 2000000 --out examples/data/orders.csv [--start 1] [--append]
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    out: { type: 'string', default: 'examples/data/orders.csv' },
    seed: { type: 'string', default: '42' },
    start: { type: 'string', default: '1' },
    append: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const start = Number(values.start);

// mulberry32: small, fast, deterministic.
let state = (Number(values.seed) + start * 2654435761) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Backus'];
const PRODUCTS = ['keyboard', 'mouse', 'monitor', 'laptop', 'headset', 'webcam', 'dock', 'cable', 'chair', 'desk lamp', 'microphone', 'tablet'];
const REGIONS = ['EU', 'NA', 'APAC', 'LATAM', 'MEA'];
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const BASE = Date.UTC(2026, 0, 1);

mkdirSync(dirname(values.out), { recursive: true });
const out = createWriteStream(values.out, { flags: values.append ? 'a' : 'w' });
if (!values.append) out.write('order_id,customer,product,quantity,price,ordered_at,express,region\n');
let chunk = '';
for (let i = 0; i < rows; i++) {
  const id = start + i;
  const ordered = new Date(BASE + id * 15_000 + Math.floor(rand() * 10_000)).toISOString();
  const price = (1 + rand() * 999).toFixed(2);
  chunk += `${id},${pick(FIRST)} ${pick(LAST)},${pick(PRODUCTS)},${1 + Math.floor(rand() * 9)},${price},${ordered},${rand() < 0.2},${pick(REGIONS)}\n`;
  if (chunk.length > 1 << 20) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    chunk = '';
  }
}
out.end(chunk);
await new Promise((r) => out.on('finish', r));
console.error(`wrote ${rows} rows (order_id ${start}..${start + rows - 1}) to ${values.out}`);
