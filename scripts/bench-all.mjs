#!/usr/bin/env node
// `npm run bench`: builds the production bundle, then runs every benchmark under bench/, one after the other,
// each printing its table and one JSON line; at the end one markdown table of every benchmark's headline
// figure, its floor from the same run and the ratio, with the load average it ran under.
// Usage: node scripts/bench-all.mjs [name-filter] [--readme]   (--readme: also write that table into README.md)
// Files not listed in BENCHES below run too; helpers they share (bench/spawnTiming.ts, awsHome.ts) are not benchmarks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReadmeTable } from './bench-readme.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The benchmarks and the arguments `npm run bench` gives them (sizes as the issues state their goals), one line
 * each, in file order: add a new one on its own line. A bench/*.bench.* file not listed here runs with no arguments.
 */
const BENCHES = [
  { file: 'activation.bench.mjs', args: ['15'] },
  { file: 'chained.bench.ts', args: [] },
  { file: 'endpoint.bench.ts', args: [] },
  { file: 'exec.bench.ts', args: [] },
  { file: 'generate.bench.ts', args: [] },
  { file: 'idle.bench.mjs', args: ['--sessions', '3000'] },
  { file: 'import.bench.ts', args: [] },
  { file: 'ini.bench.ts', args: [] },
  { file: 'load.bench.ts', args: ['10000'] },
  { file: 'ssoSync.bench.ts', args: ['--accounts', '1000', '--roles', '3'] },
  { file: 'ssoSyncExtHost.bench.mjs', args: ['--accounts', '1000', '--roles', '3'] },
  { file: 'start.bench.ts', args: ['100,10000'] },
  { file: 'startMany.bench.ts', args: ['--sessions', '50'] },
  { file: 'tree.bench.ts', args: ['10000'] },
  { file: 'tree.bench.ts', args: ['6000'] },
];

const argv = process.argv.slice(2);
const readme = argv.includes('--readme');
const filter = argv.find((a) => !a.startsWith('--')) ?? '';
const listed = new Set(BENCHES.map((b) => b.file));
const unlisted = readdirSync(join(REPO, 'bench'))
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f) && !listed.has(f))
  .map((file) => ({ file, args: [] }));
const runs = [...BENCHES, ...unlisted].filter((b) => b.file.includes(filter));

const built = spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: REPO, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
// Benchmarks that load dist/ check it is this production build (bench/production.mjs) instead of building again.
const env = { ...process.env, AWS_SESSIONS_BENCH_BUILT: REPO };

let failed = 0;
const summary = [];
for (const { file, args } of runs) {
  const load = loadavg()[0];
  console.log(`\n━━━ bench/${file} ${args.join(' ')} (load average ${load.toFixed(2)})`);
  const command = file.endsWith('.ts') ? ['--import', 'tsx', join('bench', file), ...args] : [join('bench', file), ...args];
  const result = spawnSync(process.execPath, command, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) failed++;
  const line = (result.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('{"bench"'));
  let json;
  try {
    json = line ? JSON.parse(line) : undefined;
  } catch {
    json = undefined;
  }
  summary.push({ file, args, load, status: result.status === 0 ? 'ok' : 'failed', json });
}

/** A number as the table shows it. */
const num = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : '–');
/** The headline of a JSON line without a `headline` field: its numbers and medians. */
const fallback = (j) =>
  Object.entries(j)
    .filter(([k, v]) => k !== 'bench' && (typeof v === 'number' || (v && typeof v === 'object' && 'median' in v)))
    .map(([k, v]) => `${k} ${typeof v === 'object' ? v.median : v}`)
    .join(', ')
    .slice(0, 160);

const rows = ['| benchmark | size | headline | median | p95 | floor (same run) | ratio | goal | met | load avg |', '|---|---|---|---:|---:|---:|---:|---|---|---:|'];
for (const s of summary) {
  const j = s.json;
  const size = j?.size ?? s.args.join(' ');
  // A benchmark names its headline figures (one row each): { what, size?, median, p95, unit, floor, floorWhat, ratio, goal, met }.
  const headlines = j?.headline ? [j.headline].flat() : [];
  for (const h of headlines) {
    const met = h.goal === undefined ? undefined : (h.met ?? j.meetsGoal);
    rows.push(`| ${s.file} | ${h.size ?? (size || '–')} | ${h.what} | ${num(h.median)} ${h.unit ?? 'ms'} | ${num(h.p95)} | ${h.floor === undefined ? '–' : `${num(h.floor)} (${h.floorWhat ?? 'floor'})`} | ${h.ratio === undefined ? '–' : `${num(h.ratio)}×`} | ${h.goal ?? '–'} | ${met === undefined ? '–' : met ? 'yes' : 'no'} | ${s.load.toFixed(2)} |`);
  }
  if (headlines.length === 0) {
    const met = j?.meetsGoal === undefined ? '–' : j.meetsGoal ? 'yes' : 'no';
    rows.push(`| ${s.file} | ${size || '–'} | ${s.status === 'ok' ? (j ? fallback(j) : '–') : 'failed'} | – | – | – | – | – | ${met} | ${s.load.toFixed(2)} |`);
  }
}
const table = rows.join('\n');
console.log('\n━━━ all benchmarks\n' + table);
mkdirSync(join(REPO, 'dist'), { recursive: true });
writeFileSync(join(REPO, 'dist', 'bench-table.md'), table + '\n');
if (readme) writeReadmeTable(join(REPO, 'README.md'), table, new Date());
process.exit(failed ? 1 : 0);
