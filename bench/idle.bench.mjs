#!/usr/bin/env node
/**
 * Benchmark: what an idle window costs. In a real VS Code (code-server), one window at a time: an empty
 * extension (the floor, same run, interleaved), AWS Sessions with 0 sessions, and AWS Sessions with N sessions
 * of which 5 are active (a status bar countdown, rotation watching them). After activation and a few seconds
 * to settle, the extension host's CPU time (utime + stime) and wake-ups (context switches of all its threads)
 * over the idle period, from /proc. Linux only.
 * Run: node bench/idle.bench.mjs [--seconds 20] [--sessions 3000] [--active 5] [--rounds 2] [--extension <dir>]
 * `--baseline <dir>`: another checkout (e.g. main) measured in the same run, interleaved. Builds the production bundles first.
 * Goals: 0 sessions ≤ 1.05× the empty extension's CPU; 5 active ≤ 1 wake-up per second. The host's context switches
 * (hundreds a second, VS Code's own) cannot show one extension's wake-ups, so a second pass counts the timer callbacks
 * armed from the extension's own files (bench/timerProbe.cjs) — those are its wake-ups; event callbacks come only
 * when something changes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, launchBrowser, openWorkbench, removeDir, startCodeServer } from '../scripts/codeServer.mjs';
import { ensureProductionBuild } from './production.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, sessions: { type: 'string', default: '3000' }, active: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' }, extension: { type: 'string', default: REPO_ROOT }, baseline: { type: 'string' } } });
const SECONDS = Number(values.seconds);
const SESSIONS = Number(values.sessions);
const ACTIVE = Number(values.active);
const ROUNDS = Number(values.rounds);
const EXTENSION = resolve(values.extension);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = 100;

function floorExtension(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'floor', publisher: 'bench', version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['onStartupFinished'] }));
  writeFileSync(join(dir, 'extension.js'), `exports.activate = function () { require('fs').appendFileSync(process.env.AWS_SESSIONS_ACTIVATION_LOG, JSON.stringify({ floor: true }) + '\\n'); };\n`);
}

function state(count, active) {
  const profiles = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: i === 0 ? 'default' : `team-${i}` }));
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
  const sessions = Array.from({ length: count }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, kind: 'iamUser', alias: `account-${String(i).padStart(4, '0')}`, profileId: profiles[i % 50].id, region: regions[i % regions.length] }));
  const now = Date.now();
  const act = {};
  for (let i = 0; i < active; i++) {
    const s = sessions[i];
    act[s.id] = { sessionId: s.id, status: 'active', expiration: new Date(now + 10 * 3600_000).toISOString(), startedAt: new Date(now).toISOString(), issuedAt: new Date(now).toISOString() };
  }
  return { version: 1, profiles, sessions, active: act, terminalProfile: active ? profiles[0].name : undefined };
}

/** The extension host processes running now (code-server forks one per window). */
function extensionHosts() {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('--type=extensionHost')) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** CPU ms and context switches (all threads) of a process so far. */
function sample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  let switches = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    for (const key of ['voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches']) switches += Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  }
  return { cpuMs, switches };
}

if (process.platform !== 'linux') throw new Error('idle.bench.mjs reads /proc: Linux only');
const BASELINE = values.baseline ? resolve(values.baseline) : undefined;
for (const dir of [EXTENSION, BASELINE].filter(Boolean)) ensureProductionBuild(dir);

const root = mkdtempSync(join(tmpdir(), 'aws-sessions-idle-'));
const log = join(root, 'activation.jsonl');
const floorDir = join(root, 'floor-extension');
floorExtension(floorDir);
const cases = [
  { name: 'floor: empty extension', path: floorDir, state: undefined },
  { name: 'AWS Sessions, 0 sessions', path: EXTENSION, state: undefined },
  { name: `AWS Sessions, ${SESSIONS} sessions, ${ACTIVE} active`, path: EXTENSION, state: state(SESSIONS, ACTIVE) },
  ...(BASELINE
    ? [
        { name: 'baseline, 0 sessions', path: BASELINE, state: undefined },
        { name: `baseline, ${SESSIONS} sessions, ${ACTIVE} active`, path: BASELINE, state: state(SESSIONS, ACTIVE) },
      ]
    : []),
];
const results = cases.map(() => ({ cpuMsPerS: [], wakeupsPerS: [], timerFiresPerS: [] }));
const userDataDir = join(root, 'user-data');
const userStorage = join(userDataDir, 'User', 'globalStorage', 'aws-sessions.aws-sessions');
mkdirSync(userStorage, { recursive: true });
writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none' }));

/** One window of case `c`: open it, wait for activation and the settle time, then `measure(host)` over the idle period. */
async function idleWindow(server, browser, c, measure) {
  mkdirSync(userStorage, { recursive: true });
  const file = join(userStorage, 'sessions.json');
  if (c.state) writeFileSync(file, JSON.stringify(c.state));
  else if (existsSync(file)) writeFileSync(file, JSON.stringify(state(0, 0)));
  const before = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0;
  const hostsBefore = new Set(extensionHosts());
  const { context } = await openWorkbench(browser, server.url({ payload: [['extensionDevelopmentPath', server.remoteUri(c.path)]] }));
  const deadline = Date.now() + 90_000;
  while ((existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0) < before + 1) {
    if (Date.now() > deadline) throw new Error(`${c.name}: no activation reported`);
    await sleep(100);
  }
  const host = extensionHosts().find((p) => !hostsBefore.has(p));
  if (!host) throw new Error(`${c.name}: no new extension host process`);
  await sleep(5000); // settle: first render, the first reads
  await measure(host);
  await context.close();
  await sleep(2000); // let the closed window's extension host exit
}

// Pass 1: CPU time and context switches, nothing injected.
let server = await startCodeServer({ root, userDataDir, env: { AWS_SESSIONS_ACTIVATION_LOG: log } });
let browser = await launchBrowser();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) {
      await idleWindow(server, browser, c, async (host) => {
        const a = sample(host);
        await sleep(SECONDS * 1000);
        const b = sample(host);
        results[i].cpuMsPerS.push((b.cpuMs - a.cpuMs) / SECONDS);
        results[i].wakeupsPerS.push((b.switches - a.switches) / SECONDS);
      });
    }
  }
} finally {
  await browser.close();
  await server.stop();
}

// Pass 2: the host's own timers wake it hundreds of times a second, so an extension's wake-ups are counted as the
// timer callbacks armed from its files (bench/timerProbe.cjs, preloaded; its stack capture costs CPU, hence a pass of its own).
const probeDir = join(root, 'timer-probe');
mkdirSync(probeDir);
const ownFiles = (c) => (c.path === floorDir ? join(floorDir, 'extension.js') : join(c.path, 'dist') + '/');
const probeRoots = [...new Set(cases.map(ownFiles))];
const fired = (host, c) => {
  const file = join(probeDir, `${host}.json`);
  if (!existsSync(file)) throw new Error(`${c.name}: the timer probe wrote nothing (was NODE_OPTIONS passed to the extension host?)`);
  const { at, counts } = JSON.parse(readFileSync(file, 'utf8'));
  return { at, ...counts[ownFiles(c)] };
};
server = await startCodeServer({
  root: join(root, 'probe-server'),
  userDataDir,
  env: { AWS_SESSIONS_ACTIVATION_LOG: log, NODE_OPTIONS: `--require ${resolve('bench/timerProbe.cjs')}`, AWS_SESSIONS_TIMER_PROBE: probeDir, AWS_SESSIONS_TIMER_PROBE_ROOTS: probeRoots.join('\n') },
});
browser = await launchBrowser();
try {
  for (const [i, c] of cases.entries()) {
    await idleWindow(server, browser, c, async (host) => {
      await sleep(1200); // a fresh count
      const a = fired(host, c);
      await sleep(SECONDS * 1000);
      const b = fired(host, c);
      results[i].timerFiresPerS.push(((b.fired - a.fired) * 1000) / (b.at - a.at));
      const sites = Object.entries(b.sites).filter(([site, n]) => n > (a.sites[site] ?? 0));
      if (sites.length > 0) console.log(`${c.name}: timer callbacks while idle, by where they were armed: ${sites.map(([site, n]) => `${n - (a.sites[site] ?? 0)} × ${site}`).join('; ')}`);
    });
  }
} finally {
  await browser.close();
  await server.stop();
  removeDir(root);
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return +s[Math.floor((s.length - 1) / 2)].toFixed(2);
};
const floor = { cpu: median(results[0].cpuMsPerS), wake: median(results[0].wakeupsPerS) };
console.log(`idle extension host in code-server, ${SECONDS} s per window, ${ROUNDS} rounds (medians), extension: ${EXTENSION}${BASELINE ? `, baseline: ${BASELINE}` : ''}`);
console.log('| case | CPU ms per s | ÷ floor | host wake-ups per s | above floor | timer callbacks of the extension per s |\n|---|---:|---:|---:|---:|---:|');
const rows = cases.map((c, i) => {
  const cpu = median(results[i].cpuMsPerS);
  const wake = median(results[i].wakeupsPerS);
  const timersPerS = median(results[i].timerFiresPerS);
  console.log(`| ${c.name} | ${cpu} | ${(cpu / floor.cpu).toFixed(2)}× | ${wake} | ${(wake - floor.wake).toFixed(2)} | ${timersPerS} |`);
  return { case: c.name, cpuMsPerS: cpu, cpuRatio: +(cpu / floor.cpu).toFixed(2), wakeupsPerS: wake, wakeupsAboveFloor: +(wake - floor.wake).toFixed(2), timerCallbacksPerS: timersPerS };
});
const headline = [
  { what: `idle extension host, 0 sessions: CPU (ms per s; ${SECONDS} s × ${ROUNDS} rounds)`, median: rows[1].cpuMsPerS, unit: 'ms/s', floor: floor.cpu, floorWhat: 'an empty extension, same run', ratio: rows[1].cpuRatio, goal: '≤ 1.05× floor', met: rows[1].cpuRatio <= 1.05 },
  { what: `idle, ${SESSIONS} sessions, ${ACTIVE} active: our timer callbacks per s`, median: rows[2].timerCallbacksPerS, unit: '/s', goal: '≤ 1 per s', met: rows[2].timerCallbacksPerS <= 1 },
  { what: 'idle, 0 sessions: our timer callbacks per s', median: rows[1].timerCallbacksPerS, unit: '/s' },
];
console.log(JSON.stringify({ bench: 'idle', headline, seconds: SECONDS, sessions: SESSIONS, active: ACTIVE, rounds: ROUNDS, rows, goals: { cpuRatio0: 1.05, timerCallbacksActive: 1 }, meetsGoal: rows[1].cpuRatio <= 1.05 && rows[2].timerCallbacksPerS <= 1 }));
