/**
 * Benchmark: the sessions tree with 3,000 sessions — building the whole expanded tree (every node's
 * children, as VS Code's getChildren walks it) and one filter keystroke (rebuild with the filter, then
 * walk what is shown). The tree provider maps these nodes 1:1 to TreeItems.
 * Floor, measured in the same run: one structuredClone of the same state (the cost of merely copying it).
 * Run: node --import tsx bench/tree.bench.ts [runs]. Goal: filter keystroke under 30 ms.
 */
import { performance } from 'node:perf_hooks';
import { buildTreeModel, type ModelNode, type TreeModel } from '../src/core/treeModel';
import { makeState as makeStateOf } from './stateFixture';

const RUNS = Number(process.argv[2] ?? 40);
const SESSIONS = 3000;
const NOW = Date.now();

function walk(model: TreeModel, nodes: readonly ModelNode[] = model.roots): number {
  let n = 0;
  for (const node of nodes) n += 1 + walk(model, model.children(node));
  return n;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: +at(0.5).toFixed(2), p95: +at(0.95).toFixed(2) };
}

function time(fn: () => unknown): number[] {
  for (let i = 0; i < 5; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const state = makeStateOf(SESSIONS, NOW);
let nodes = 0;
const floor = stats(time(() => structuredClone(state)));
const expanded = stats(time(() => (nodes = walk(buildTreeModel(state, { mode: 'grouped', now: NOW })))));
const flat = stats(time(() => walk(buildTreeModel(state, { mode: 'flat', now: NOW }))));
// A keystroke: the filter grows by one character each time, as someone types "account-12".
const typed = 'account-12';
let k = 0;
const keystroke = stats(time(() => walk(buildTreeModel(state, { mode: 'grouped', filter: typed.slice(0, (k++ % typed.length) + 1), now: NOW }))));

const rows = [
  ['floor: structuredClone(state)', floor],
  [`expanded tree, grouped (${nodes} nodes)`, expanded],
  ['expanded tree, flat by recent use', flat],
  ['filter keystroke (rebuild + walk)', keystroke],
] as const;
console.log(`sessions tree, ${SESSIONS} sessions, ${RUNS} runs`);
console.log('| case | median ms | p95 ms |\n|---|---:|---:|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.median} | ${s.p95} |`);
console.log(JSON.stringify({ bench: 'tree', sessions: SESSIONS, floorMs: floor, expandedMs: expanded, flatMs: flat, filterKeystrokeMs: keystroke, goalFilterMs: 30, meetsGoal: keystroke.p95 < 30 }));
