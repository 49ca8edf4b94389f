// Where the test time went, from vitest's JSON report (.ci/run prints it after the tests):
// each project's wall (first file start to last file end), the sum of file durations (over
// the wall: files ran side by side), and the slowest files.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? '.ci/out/vitest.json', 'utf8'));
const files = report.testResults.filter((f) => f.startTime && f.endTime);
const rel = (name) => name.slice(name.indexOf('/test/') >= 0 ? name.indexOf('/test/') + 1 : name.indexOf('/host/') + 1);
const project = (f) => (f.name.includes('/host/src/') ? 'unit' : 'e2e');
const s = (ms) => `${(ms / 1000).toFixed(0)} s`;
console.log(`vitest: first file started ${s(Math.min(...files.map((f) => f.startTime)) - report.startTime)} after the run began (global setup)`);
for (const name of ['e2e', 'unit']) {
  const own = files.filter((f) => project(f) === name);
  if (own.length === 0) continue;
  const wall = Math.max(...own.map((f) => f.endTime)) - Math.min(...own.map((f) => f.startTime));
  const sum = own.reduce((t, f) => t + (f.endTime - f.startTime), 0);
  console.log(`vitest ${name}: ${own.length} files, wall ${s(wall)}, durations sum ${s(sum)}`);
}
const slowest = [...files].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime)).slice(0, 10);
console.log(`vitest slowest: ${slowest.map((f) => `${rel(f.name)} ${s(f.endTime - f.startTime)}`).join(', ')}`);
