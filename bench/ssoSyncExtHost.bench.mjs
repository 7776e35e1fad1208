#!/usr/bin/env node
/**
 * The SSO sync benchmark inside a real VS Code extension host (code-server 4.100.3): the "Sync"
 * command of 1,000 accounts × 3 roles against the double (separate process) with 25 ms latency and a
 * 50 requests/s throttle (burst 50). Reports wall time against the lower bound (calls ÷ 50 s), 429s,
 * accounts missing, the extension host's peak RSS and its event-loop lag while the tree updates.
 * Run: node bench/ssoSyncExtHost.bench.mjs [--accounts 1000] [--roles 3] [--rps 50] [--burst 50] [--latency-ms 25]
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { REPO_ROOT, developmentPayload, launchBrowser, openWorkbench, removeDir, startCodeServer } from '../scripts/codeServer.mjs';
import { ensureProductionBuild } from './production.mjs';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '1000' }, roles: { type: 'string', default: '3' }, rps: { type: 'string', default: '50' }, burst: { type: 'string', default: '50' }, 'latency-ms': { type: 'string', default: '25' } } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

ensureProductionBuild(REPO_ROOT);
const entry = join(REPO_ROOT, 'out', 'bench', 'ssoSyncEntry.js');
await esbuild.build({ entryPoints: [join(REPO_ROOT, 'bench', 'exthost', 'ssoSyncEntry.ts')], outfile: entry, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'warning' });

const double = spawn(process.execPath, ['scripts/local-aws.mjs', '--port', '0', '--accounts', values.accounts, '--roles', values.roles, '--latency-ms', values['latency-ms'], '--throttle-rps', values.rps, '--throttle-burst', values.burst], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
const endpoint = JSON.parse(await new Promise((resolve) => createInterface({ input: double.stdout }).once('line', resolve))).endpoint;

const root = mkdtempSync(join(tmpdir(), 'aws-sessions-sso-bench-'));
const results = join(root, 'sso-bench.json');
// The extension host inherits code-server's environment: the double's endpoint and the results path travel that way.
const server = await startCodeServer({ root, env: { SSO_BENCH_ENDPOINT: endpoint, SSO_BENCH_RESULTS: results } });
const browser = await launchBrowser();
let result;
try {
  await openWorkbench(browser, server.url({ payload: developmentPayload(server, { extensionPath: REPO_ROOT, testsPath: entry }) }));
  const deadline = Date.now() + 300_000;
  while (!existsSync(results) && Date.now() < deadline) await sleep(250);
  result = existsSync(results) ? JSON.parse(readFileSync(results, 'utf8')) : { error: 'no result within 300 s' };
} finally {
  await server.stop();
  await browser.close().catch(() => {});
  double.kill('SIGTERM');
  removeDir(server.root);
}
if (result.error) {
  console.error(result.error);
  process.exit(1);
}
const accounts = Number(values.accounts);
const rps = Number(values.rps);
const calls = Math.ceil(accounts / 100) + accounts;
const boundMs = (calls / rps) * 1000;
const rows = [
  ['successful portal calls', String(calls)],
  [`lower bound: calls ÷ ${rps}/s`, `${(boundMs / 1000).toFixed(2)} s`],
  ['Sync command wall time (extension host)', `${(result.wallMs / 1000).toFixed(2)} s`],
  ['wall time ÷ lower bound', `${(result.wallMs / boundMs).toFixed(3)} ×`],
  ['429 received', String(result.throttled)],
  ['accounts missing / sessions missing', `${accounts - result.accounts} / ${accounts * Number(values.roles) - result.sessions}`],
  ['tree refreshes during the sync', String(result.treeRefreshes)],
  ['extension host event-loop lag p50 / p99 / max', `${result.lagP50Ms.toFixed(1)} / ${result.lagP99Ms.toFixed(1)} / ${result.lagMaxMs.toFixed(1)} ms`],
  ['extension host RSS before / peak', `${result.rssBeforeMiB.toFixed(0)} / ${result.peakRssMiB.toFixed(0)} MiB`],
];
console.log(`SSO sync in the extension host: ${accounts} accounts × ${values.roles} roles, ${values['latency-ms']} ms latency, throttle ${rps} rps burst ${values.burst}`);
console.log('| figure | value |');
console.log('|---|---:|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
if (result.spikes?.length) console.log(`event-loop stalls > 150 ms (ms since the sync started: stall): ${result.spikes.map((x) => `${x.atMs}: ${x.lagMs}`).join(', ')}`);
const { spikes: _spikes, refreshAt: _refreshAt, ...summary } = result;
result = summary;
const headline = { what: `sync in the extension host (event-loop lag p99 ${result.lagP99Ms.toFixed(1)} ms, peak RSS ${result.peakRssMiB.toFixed(0)} MiB)`, median: +result.wallMs.toFixed(0), floor: Math.round(boundMs), floorWhat: 'lower bound: calls ÷ the throttle', ratio: +(result.wallMs / boundMs).toFixed(3) };
console.log(JSON.stringify({ bench: 'ssoSyncExtHost', headline, size: `${accounts} accounts × ${values.roles} roles`, accounts, roles: Number(values.roles), calls, lowerBoundMs: Math.round(boundMs), ...result, ratio: +(result.wallMs / boundMs).toFixed(3), missingAccounts: accounts - result.accounts }));
