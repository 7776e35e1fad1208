#!/usr/bin/env node
/**
 * Benchmark: activation of the extension in a real VS Code (code-server 4.100.3), from the moment its
 * bundle starts loading to the end of activate(), as the extension reports it (AWS_SESSIONS_ACTIVATION_LOG).
 * Floor, measured in the same code-server run, in windows alternating with ours: an empty extension
 * (require + empty activate) reporting the same way. Cases: no sessions, and 3,000 sessions stored. Also the size of dist/extension.js.
 * Run: node bench/activation.bench.mjs [loads per case]. Goal (issue 6): under 50 ms with 3,000 sessions.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, launchBrowser, openWorkbench, removeDir, startCodeServer } from '../scripts/codeServer.mjs';

const LOADS = Number(process.argv[2] ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function floorExtension(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'floor', publisher: 'bench', version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['onStartupFinished'] }));
  writeFileSync(
    join(dir, 'extension.js'),
    `const t0 = require('perf_hooks').performance.now();
exports.activate = function () {
  const t1 = require('perf_hooks').performance.now();
  require('fs').appendFileSync(process.env.AWS_SESSIONS_ACTIVATION_LOG, JSON.stringify({ floor: true, loadMs: t1 - t0, activateMs: 0, readyMs: t1 - t0 }) + '\\n');
};\n`,
  );
}

function sessionsState(count) {
  const profiles = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: i === 0 ? 'default' : `team-${i}` }));
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
  const sessions = Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: 'iamUser',
    alias: `account-${String(i).padStart(4, '0')}`,
    profileId: profiles[i % 50].id,
    region: regions[i % regions.length],
  }));
  return { version: 1, profiles, sessions, active: {} };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1), n: s.length };
}

async function measure(sessionCount) {
  const root = mkdtempSync(join(tmpdir(), 'aws-sessions-bench-'));
  const log = join(root, 'activation.jsonl');
  const userDataDir = join(root, 'user-data');
  const storage = join(userDataDir, 'User', 'globalStorage', 'aws-sessions.aws-sessions');
  mkdirSync(storage, { recursive: true });
  if (sessionCount > 0) writeFileSync(join(storage, 'sessions.json'), JSON.stringify(sessionsState(sessionCount)));
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none' }));
  const floorDir = join(root, 'floor-extension');
  floorExtension(floorDir);
  const server = await startCodeServer({ root, userDataDir, env: { AWS_SESSIONS_ACTIVATION_LOG: log } });
  const browser = await launchBrowser();
  try {
    // code-server loads one development extension per window: alternate ours and the floor's windows.
    const payloads = [[['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)]], [['extensionDevelopmentPath', server.remoteUri(floorDir)]]];
    for (let i = 0; i < LOADS * 2; i++) {
      const payload = payloads[i % 2];
      const before = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0;
      const { context } = await openWorkbench(browser, server.url({ payload }));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0;
        if (lines >= before + 1) break;
        await sleep(100);
      }
      await context.close();
      await sleep(1500); // let the extension host of the closed window exit
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  removeDir(root);
  const ours = entries.filter((e) => !e.floor);
  const floor = entries.filter((e) => e.floor);
  if (ours.length === 0) throw new Error('the extension never reported its activation');
  if (sessionCount > 0 && ours.some((e) => e.sessions !== sessionCount)) throw new Error(`expected ${sessionCount} sessions, saw ${ours.map((e) => e.sessions).join(',')}`);
  const pick = (list, f) => stats(list.map(f));
  return {
    ours: { loadPlusActivate: pick(ours, (e) => e.loadMs + e.activateMs), activate: pick(ours, (e) => e.activateMs), ready: pick(ours, (e) => e.readyMs) },
    floor: { loadPlusActivate: pick(floor, (e) => e.loadMs + e.activateMs) },
  };
}

// What ships: the production bundle, built now (a dev build left in dist/ would measure something else).
if (spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: REPO_ROOT, stdio: 'inherit' }).status !== 0) throw new Error('the production build failed');
const size = statSync(join(REPO_ROOT, 'dist', 'extension.js')).size;
const sdkSize = existsSync(join(REPO_ROOT, 'dist', 'sdk.js')) ? statSync(join(REPO_ROOT, 'dist', 'sdk.js')).size : 0;
const empty = await measure(0);
const many = await measure(3000);
console.log(`activation in code-server 4.100.3, ${LOADS} window loads per case (ms: median / p95)`);
console.log('| case | bundle load → activate() returns | activate() itself | sessions shown in the tree |\n|---|---:|---:|---:|');
const f = (s) => `${s.median} / ${s.p95}`;
console.log(`| floor: empty extension (same run) | ${f(empty.floor.loadPlusActivate)} | – | – |`);
console.log(`| AWS Sessions, 0 sessions | ${f(empty.ours.loadPlusActivate)} | ${f(empty.ours.activate)} | ${f(empty.ours.ready)} |`);
console.log(`| AWS Sessions, 3,000 sessions | ${f(many.ours.loadPlusActivate)} | ${f(many.ours.activate)} | ${f(many.ours.ready)} |`);
console.log(`dist/extension.js: ${(size / 1024).toFixed(1)} KiB (the AWS SDK is in dist/sdk.js, ${(sdkSize / 1024).toFixed(1)} KiB, loaded on the first AWS call)`);
// The empty extension's time is VS Code's own (extension context and storage set-up between loading a bundle and
// calling activate): what AWS Sessions adds is the difference, measured in the same code-server run.
const added = +(many.ours.loadPlusActivate.median - many.floor.loadPlusActivate.median).toFixed(1);
console.log(`3,000 sessions: ${many.ours.loadPlusActivate.median} ms raw (goal < 50 ms → ${many.ours.loadPlusActivate.median < 50 ? 'met' : 'NOT met'}); AWS Sessions adds ${added} ms over the empty extension's ${many.floor.loadPlusActivate.median} ms in the same run (→ ${added < 50 ? 'met' : 'NOT met'})`);
const ratioOf = (run) => +(run.ours.loadPlusActivate.median / run.floor.loadPlusActivate.median).toFixed(3);
const headline = [
  [empty, '0 sessions'],
  [many, '3,000 sessions'],
].map(([run, what]) => ({ what: `load + activate in code-server, ${what} (${LOADS} windows per case)`, median: run.ours.loadPlusActivate.median, p95: run.ours.loadPlusActivate.p95, floor: run.floor.loadPlusActivate.median, floorWhat: 'an empty extension, same run', ratio: ratioOf(run), goal: '≤ 1.15× floor', met: ratioOf(run) <= 1.15 }));
console.log(`load + activate ÷ the empty extension's, same run: 0 sessions ${ratioOf(empty)}×, 3,000 sessions ${ratioOf(many)}× (goal ≤ 1.15×)`);
console.log(JSON.stringify({ bench: 'activation', headline, loads: LOADS, floor: empty.floor, noSessions: empty.ours, floor3000Run: many.floor, sessions3000: many.ours, extensionJsBytes: size, sdkJsBytes: sdkSize, goalMs: 50, meetsGoal: many.ours.loadPlusActivate.median < 50, addedOverFloorMs: added, meetsGoalOverFloor: added < 50 }));
