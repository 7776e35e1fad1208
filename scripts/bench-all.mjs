#!/usr/bin/env node
// `npm run bench`: builds the production bundle, then runs every benchmark under bench/, one after the other,
// each printing its table and one JSON line; at the end one table of every benchmark's headline figures.
// Every bench/*.bench.{ts,mjs} is found by name (e.g. exec.bench.ts: `aws-sessions exec` against `node -e 0`);
// helpers they share (bench/spawnTiming.ts, awsHome.ts) are not benchmarks and are not run.
// Usage: node scripts/bench-all.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const benches = readdirSync(join(REPO, 'bench')).filter((f) => /\.bench\.(ts|mjs)$/.test(f) && f.includes(filter)).sort();
let failed = 0;
const built = spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: REPO, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const summary = [];
for (const file of benches) {
  console.log(`\n━━━ bench/${file}`);
  const args = file.endsWith('.ts') ? ['--import', 'tsx', join('bench', file)] : [join('bench', file)];
  const result = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) failed++;
  const line = (result.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('{"bench"'));
  let json;
  try {
    json = line ? JSON.parse(line) : undefined;
  } catch {
    json = undefined;
  }
  summary.push({ file, status: result.status === 0 ? 'ok' : 'failed', meetsGoal: json?.meetsGoal, json });
}
console.log('\n━━━ all benchmarks\n| benchmark | ran | goal met | headline (from its JSON line) |\n|---|---|---|---|');
const headline = (j) => {
  if (!j) return '–';
  const keep = Object.entries(j).filter(([k, v]) => k !== 'bench' && (typeof v === 'number' || typeof v === 'boolean' || (v && typeof v === 'object' && 'median' in v)));
  return keep.map(([k, v]) => `${k} ${typeof v === 'object' ? v.median : v}`).join(', ').slice(0, 200) || '–';
};
for (const s of summary) console.log(`| ${s.file} | ${s.status} | ${s.meetsGoal === undefined ? '–' : s.meetsGoal ? 'yes' : 'no'} | ${headline(s.json)} |`);
process.exit(failed ? 1 : 0);
