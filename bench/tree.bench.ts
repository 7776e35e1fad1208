/**
 * Benchmark: the sessions tree at N sessions — building the whole expanded tree after a state change (a new
 * frozen snapshot, as the state store gives every listener; every node's children walked, as VS Code's
 * getChildren does) and one filter keystroke (rebuild with the filter, then walk what is shown). The tree
 * provider maps these nodes 1:1 to TreeItems.
 * Floor, measured in the same run: one structuredClone of the same state (the cost of merely copying it).
 * Run: node --import tsx bench/tree.bench.ts [sessions, default 10000] [runs, default 40].
 * Goals at 10,000: build ≤ 1.2× the floor; a filter keystroke ≤ 10 ms (median).
 */
import { performance } from 'node:perf_hooks';
import { buildTreeModel, type ModelNode, type TreeModel } from '../src/core/treeModel';
import type { PersistedState } from '../src/core/model';
import { makeState } from './stateFixture';

const SESSIONS = Number(process.argv[2] ?? 10000);
const RUNS = Number(process.argv[3] ?? 40);
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

/** Times fn on each of `inputs` (made beforehand, not timed), after 5 warm-up calls. */
function time<T>(make: () => T, fn: (input: T) => unknown): number[] {
  for (let i = 0; i < 5; i++) fn(make());
  const inputs = Array.from({ length: RUNS }, make);
  return inputs.map((input) => {
    const t0 = performance.now();
    fn(input);
    return performance.now() - t0;
  });
}

/** As the state store freezes its snapshots (kept here so the bench also runs against earlier versions). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const base = makeState(SESSIONS, NOW);
const raw = JSON.stringify(base);
/** A new snapshot, as after a state change: same content, new objects, frozen. */
const snapshot = (): PersistedState => deepFreeze(JSON.parse(raw) as PersistedState);
let nodes = 0;
const floor = stats(time(() => base, (s) => structuredClone(s)));
const expanded = stats(time(snapshot, (s) => (nodes = walk(buildTreeModel(s, { mode: 'grouped', now: NOW })))));
const flat = stats(time(snapshot, (s) => walk(buildTreeModel(s, { mode: 'flat', now: NOW }))));
// Keystrokes on one snapshot: the filter grows by one character each time, as someone types "account-12"; then starts again.
const typed = 'account-12';
const shown = snapshot();
buildTreeModel(shown, { mode: 'grouped', now: NOW });
let k = 0;
const keystroke = stats(time(() => shown, (s) => walk(buildTreeModel(s, { mode: 'grouped', filter: typed.slice(0, (k++ % typed.length) + 1), now: NOW }))));

const rows = [
  ['floor: structuredClone(state)', floor],
  [`expanded tree after a change, grouped (${nodes} nodes)`, expanded],
  ['expanded tree after a change, flat by recent use', flat],
  ['filter keystroke (rebuild + walk)', keystroke],
] as const;
console.log(`sessions tree, ${SESSIONS} sessions, ${RUNS} runs`);
console.log('| case | median ms | p95 ms | ÷ floor |\n|---|---:|---:|---:|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.median} | ${s.p95} | ${(s.median / floor.median).toFixed(2)}× |`);
console.log(
  JSON.stringify({ bench: 'tree', sessions: SESSIONS, floorMs: floor, expandedMs: expanded, flatMs: flat, filterKeystrokeMs: keystroke, buildRatio: +(expanded.median / floor.median).toFixed(2), goals: { buildRatio: 1.2, filterMedianMs: 10 }, meetsGoal: expanded.median <= 1.2 * floor.median && keystroke.median <= 10 }),
);
