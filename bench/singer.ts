/**
 * The orders CSV through a real Singer pipeline, `tap-spreadsheets | target-jsonl` (both
 * from PyPI, each in its own venv under test/.build/bench-venv, as Singer wants), side by
 * side with dativo-host's CSV -> Parquet job on the same file. Singer is about two orders
 * of magnitude slower, so this case uses SINGER_ROWS (500,000 by default), not 2 M: at 200,000 rows
 * dativo-host's ~1 s of process start and plugin load is most of its time.
 *
 * Not the same output: Singer writes JSON Lines with every value as a string (the tap
 * infers no types for CSV without schema_overrides); dativo-host writes typed Parquet after
 * contract validation. Singer does less work per row and is still the slower one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ordersCsv, runCsvToParquet } from './csv-parquet.js';
import { median, type BenchResult } from './report.js';

// Pinned: tap-spreadsheets needs singer-sdk, target-jsonl an old singer-python; they
// cannot share one venv (pip: ResolutionImpossible), hence one venv each.
const TAP = { name: 'tap-spreadsheets', pin: 'tap-spreadsheets==1.1.2' };
const TARGET = { name: 'target-jsonl', pin: 'target-jsonl==0.1.4' };

function venv(root: string, pkg: { name: string; pin: string }): string {
  const dir = join(root, pkg.name);
  const bin = join(dir, 'bin', pkg.name);
  if (existsSync(bin)) return bin;
  rmSync(dir, { recursive: true, force: true });
  console.error(`singer: creating ${dir} (python3 -m venv; pip install ${pkg.pin})`);
  execFileSync('python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  execFileSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', pkg.pin], { stdio: 'inherit' });
  if (!existsSync(bin)) throw new Error(`${pkg.pin} installed no ${bin}`);
  return bin;
}

function runSinger(tap: string, target: string, csv: string, work: string): { wallS: number; rssMb: number; outMb: number; records: number } {
  rmSync(work, { recursive: true, force: true });
  const out = join(work, 'out');
  mkdirSync(out, { recursive: true });
  const tapConfig = join(work, 'tap.json');
  const targetConfig = join(work, 'target.json');
  writeFileSync(tapConfig, JSON.stringify({ files: [{ path: csv, format: 'csv', table_name: 'orders', primary_keys: ['order_id'], delimiter: ',', quotechar: '"' }] }));
  writeFileSync(targetConfig, JSON.stringify({ destination_path: out, do_timestamp_file: false }));
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const pipeline = `set -o pipefail; ${q(tap)} --config ${q(tapConfig)} 2>${q(join(work, 'tap.log'))} | ${q(target)} --config ${q(targetConfig)} >/dev/null 2>${q(join(work, 'target.log'))}`;
  // %M: the largest peak RSS among the pipeline's processes (rusage of children is a max, not a sum).
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', pipeline], { encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').slice(-1500) : '');
    throw new Error(`singer pipeline failed (${r.status}): ${r.stderr.slice(-500)}\ntap: ${tail(join(work, 'tap.log'))}\ntarget: ${tail(join(work, 'target.log'))}`);
  }
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const file = join(out, 'orders.jsonl');
  const records = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  return { wallS: wall!, rssMb: rssKb! / 1024, outMb: statSync(file).size / 2 ** 20, records };
}

export async function singer(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const runs = opts.runs ?? 3;
  const n = Number(process.env.SINGER_ROWS ?? 500_000);
  const csv = ordersCsv(dataDir, n);
  const venvRoot = join(opts.buildDir, 'bench-venv');
  const tap = venv(venvRoot, TAP);
  const target = venv(venvRoot, TARGET);

  const s: ReturnType<typeof runSinger>[] = [];
  const d: ReturnType<typeof runCsvToParquet>[] = [];
  for (let i = 0; i < runs; i++) {
    s.push(runSinger(tap, target, csv, join(dataDir, 'work-singer')));
    d.push(runCsvToParquet(csv, join(dataDir, 'work-singer-dativo')));
  }
  if (s[0]!.records !== n) throw new Error(`singer wrote ${s[0]!.records} records, expected ${n}`);
  const row = (tool: string, xs: { wallS: number; rssMb: number; outMb: number }[]) => {
    const wall = median(xs.map((x) => x.wallS));
    return { case: tool, rows: n, wall_s: wall, rows_per_s: n / wall, peak_rss_mb: median(xs.map((x) => x.rssMb)), out_mb: xs[0]!.outMb };
  };
  const a = row('dativo-host (typed Parquet)', d);
  const b = row(`${TAP.pin} | ${TARGET.pin} (JSONL, strings)`, s);
  return {
    name: 'singer',
    note:
      `${n.toLocaleString('en')} rows of the orders CSV (${(statSync(csv).size / 2 ** 20).toFixed(1)} MB); median of ${runs} alternating run(s); wall includes process start ` +
      '(Python + Singer SDK import, Node + plugin load). Singer peak RSS: the largest process of the pipe. Target: singer / dativo >= 20.',
    rows: [a, b, { case: 'singer / dativo', wall_s: b.wall_s / a.wall_s, rows_per_s: b.rows_per_s / a.rows_per_s, peak_rss_mb: b.peak_rss_mb / a.peak_rss_mb }],
  };
}
