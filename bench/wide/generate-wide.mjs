#!/usr/bin/env node
// Deterministic wide CSV (22 columns, taxi-trip shaped) for the wide-csv bench and its
// correctness test: the same --rows and --seed always give the same bytes. Columns match
// bench/wide/wide.odcs.yaml: int widths from tinyint to bigint, doubles with 2 decimals,
// 2-4 character codes, six nullable columns with ~3 % empty (null) fields, two timestamps
// with `Z` and a date.
//   node bench/wide/generate-wide.mjs --rows 2000000 --out wide.csv [--seed 7]
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, out: { type: 'string' }, seed: { type: 'string', default: '7' } },
});
if (!values.out) {
  console.error('usage: generate-wide.mjs --rows N --out FILE [--seed S]');
  process.exit(2);
}
const rows = Number(values.rows);

// mulberry32: small, fast, deterministic.
let state = Number(values.seed) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const nullable = (s) => (rand() < 0.03 ? '' : s);
const PAYMENT = ['CRD', 'CSH', 'NC', 'DSP', 'UNK', 'VOID'];
const BOROUGH = ['BK', 'MN', 'QNS', 'BRX', 'SI', 'EWR'];
const EXTRA = ['0.00', '0.50', '1.00', '2.50', '3.75'];
const BASE = Date.UTC(2026, 0, 1) / 1000;
const iso = (s) => `${new Date(s * 1000).toISOString().slice(0, 19)}Z`;

export const HEADER = [
  'trip_id', 'vendor_id', 'pickup_at', 'dropoff_at', 'service_date', 'passenger_count',
  'trip_distance', 'rate_code', 'pu_location', 'do_location', 'payment_type', 'fare_amount',
  'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'total_amount', 'congestion_surcharge',
  'airport_fee', 'pu_borough', 'do_borough', 'device_id',
];

mkdirSync(dirname(values.out), { recursive: true });
const out = createWriteStream(values.out);
out.write(`${HEADER.join(',')}\n`);
let chunk = '';
for (let i = 0; i < rows; i++) {
  const pickup = BASE + i * 13 + int(0, 12);
  const dropoff = pickup + int(60, 5400);
  const fare = 3 + rand() * 120;
  const tip = rand() < 0.3 ? 0 : rand() * 25;
  const tolls = rand() < 0.9 ? 0 : 6.94;
  const total = fare + tip + tolls + 0.5;
  chunk +=
    `${i + 1},${int(1, 6)},${iso(pickup)},${iso(dropoff)},${iso(pickup).slice(0, 10)},` +
    `${nullable(String(int(0, 6)))},${(rand() * 40).toFixed(2)},${nullable(String(int(1, 6)))},` +
    `${int(1, 265)},${int(1, 265)},${pick(PAYMENT)},${fare.toFixed(2)},${nullable(pick(EXTRA))},0.50,` +
    `${tip.toFixed(2)},${nullable(tolls.toFixed(2))},${total.toFixed(2)},${nullable(rand() < 0.7 ? '2.50' : '0.00')},` +
    `${nullable(rand() < 0.1 ? '1.75' : '0.00')},${pick(BOROUGH)},${pick(BOROUGH)},${int(1, 999_999) * 1_000_003}\n`;
  if (chunk.length > 1 << 20) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    chunk = '';
  }
}
out.end(chunk);
await new Promise((r) => out.on('finish', r));
console.error(`wrote ${rows} wide rows to ${values.out}`);
