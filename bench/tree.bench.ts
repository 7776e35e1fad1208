/**
 * Benchmark: the sessions tree at N sessions, as the provider builds it (core/treeModel.ts, the same code the
 * production bundle holds; this bench loads no dist/). Each case builds a model and walks every node's
 * children, as VS Code's getChildren does:
 * - after a change: a new frozen snapshot (parsed again, as the state store gives every listener) in which one
 *   session was started (its active record and last use changed);
 * - a session added or removed: the next snapshot has one session more (a new alias sorted in) or fewer;
 * - first build of a state: nothing earlier to reuse (describe and sort every session), as at activation;
 * - filter keystroke: the filter grows by one character, as someone types "account-12", then starts again.
 * Each build follows a build (untimed) of the snapshot before it: what the tree reuses is what a real sequence allows.
 * Floor, in the same run and interleaved with the cases (one sample of each in turn): one structuredClone of
 * the same state, the cost of merely copying it.
 * Run: node --import tsx bench/tree.bench.ts [sessions, default 10000] [runs, default 40].
 * Goals at 10,000: build after a change ≤ 1.2× the floor; a filter keystroke ≤ 10 ms (median; p95 printed).
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
const parse = () => JSON.parse(raw) as PersistedState;
/** Snapshot number `run` after a start: session (run × 7919 mod N) active and just used. */
function started(run: number): PersistedState {
  const s = parse();
  const session = s.sessions[(((run * 7919) % s.sessions.length) + s.sessions.length) % s.sessions.length];
  s.active[session.id] = { sessionId: session.id, status: 'active', expiration: new Date(NOW + 3600_000).toISOString() };
  s.lastUsed = { ...s.lastUsed, [session.id]: new Date(NOW - run).toISOString() };
  return deepFreeze(s);
}
/** Snapshot number `run` with a session added (even runs) or without it again (odd runs). */
function addedOrRemoved(run: number): PersistedState {
  const s = parse();
  if (run % 2 === 0) s.sessions.push({ id: `added-${run}`, kind: 'iamUser', alias: `account-${String(run * 37).padStart(4, '0')}-new`, profileId: 'p1', region: 'eu-west-1' });
  return deepFreeze(s);
}

/** Snapshot `run` of `make`, after the tree was built (untimed) of the snapshot before it, as the provider had. */
const after = (make: (run: number) => PersistedState) => (run: number) => {
  buildTreeModel(make(run - 1), { mode: 'grouped', now: NOW });
  return make(run);
};

interface Case {
  name: string;
  /** Made before the clock starts. */
  make: (run: number) => PersistedState;
  run: (state: PersistedState) => unknown;
}
let nodes = 0;
const typed = 'account-12';
let k = 0;
const shown = started(-1);
const cases: Case[] = [
  { name: 'floor: structuredClone(state)', make: () => base, run: (s) => structuredClone(s) },
  { name: 'expanded tree after a change (a start), grouped', make: after(started), run: (s) => (nodes = walk(buildTreeModel(s, { mode: 'grouped', now: NOW }))) },
  { name: 'expanded tree after a change (a start), flat by recent use', make: after(started), run: (s) => walk(buildTreeModel(s, { mode: 'flat', now: NOW })) },
  { name: 'a session added or removed, grouped', make: after(addedOrRemoved), run: (s) => walk(buildTreeModel(s, { mode: 'grouped', now: NOW })) },
  { name: 'first build of a state (nothing to reuse), grouped', make: () => parse(), run: (s) => walk(buildTreeModel(s, { mode: 'grouped', now: NOW })) },
  { name: 'filter keystroke (rebuild + walk)', make: () => shown, run: (s) => walk(buildTreeModel(s, { mode: 'grouped', filter: typed.slice(0, (k++ % typed.length) + 1), now: NOW })) },
];

// Interleaved: each run takes one sample of every case in turn, so load from other processes falls on all alike.
const samples = cases.map(() => [] as number[]);
for (let run = -5; run < RUNS; run++) {
  cases.forEach((c, i) => {
    const input = c.make(run + 5 + RUNS * i);
    const t0 = performance.now();
    c.run(input);
    const ms = performance.now() - t0;
    if (run >= 0) samples[i].push(ms);
  });
}
const [floor, expanded, flat, addRemove, first, keystroke] = samples.map(stats);

console.log(`sessions tree, ${SESSIONS} sessions (${nodes} nodes grouped), ${RUNS} interleaved runs`);
console.log('| case | median ms | p95 ms | ÷ floor |\n|---|---:|---:|---:|');
cases.forEach((c, i) => {
  const s = stats(samples[i]);
  console.log(`| ${c.name} | ${s.median} | ${s.p95} | ${(s.median / floor.median).toFixed(2)}× |`);
});
const goals = { buildRatio: 1.2, filterMedianMs: 10 };
console.log(
  JSON.stringify({
    bench: 'tree',
    sessions: SESSIONS,
    size: `${SESSIONS} sessions`,
    headline: [
      { what: 'tree build after a change', median: expanded.median, p95: expanded.p95, floor: floor.median, floorWhat: 'structuredClone of the state', ratio: +(expanded.median / floor.median).toFixed(2), goal: '≤ 1.2× floor', met: expanded.median <= goals.buildRatio * floor.median },
      { what: 'filter keystroke', median: keystroke.median, p95: keystroke.p95, floor: floor.median, floorWhat: 'structuredClone of the state', ratio: +(keystroke.median / floor.median).toFixed(2), goal: `≤ ${goals.filterMedianMs} ms`, met: keystroke.median <= goals.filterMedianMs },
      { what: 'first build of a state', median: first.median, p95: first.p95, floor: floor.median, floorWhat: 'structuredClone of the state', ratio: +(first.median / floor.median).toFixed(2) },
    ],
    floorMs: floor,
    expandedMs: expanded,
    flatMs: flat,
    addRemoveMs: addRemove,
    firstBuildMs: first,
    filterKeystrokeMs: keystroke,
    buildRatio: +(expanded.median / floor.median).toFixed(2),
    goals,
    meetsGoal: expanded.median <= goals.buildRatio * floor.median && keystroke.median <= goals.filterMedianMs,
  }),
);
