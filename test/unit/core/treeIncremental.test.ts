/**
 * What the tree keeps between snapshots and keystrokes (entries, orders, nodes, the last filter's matches)
 * never changes what it shows: after random changes and random typing, every model equals a fresh build of
 * an unfrozen copy (which keeps nothing), and the incremental filter equals the full one.
 */
import assert from 'node:assert/strict';
import { buildTreeModel, type ModelNode, type TreeModel, type ViewMode } from '../../../src/core/treeModel';
import { fullMatches } from '../../../src/core/treeFilter';
import type { PersistedState, Session } from '../../../src/core/model';
import { deepFreeze } from '../../../src/core/stateStore';
// The seeded PRNG of the ini property tests: a failure names the seed that reproduces it.
import { rng } from './awsFiles/iniEdit.gen';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const WORDS = ['alpha', 'Alpha', 'beta', 'äpfel', 'apfel', 'prod', 'dev', 'a', 'b-2', 'b-10', 'x y', 'Zeta'];

/** Every row the tree shows: depth, id, label, description, status, pin, parent id, children count. */
function rows(model: TreeModel, nodes: readonly ModelNode[] = model.roots, depth = 0): string[] {
  return nodes.flatMap((n) => {
    const parent = model.parent(n)?.id ?? '-';
    const own =
      n.type === 'group'
        ? `${depth} ${n.id} ${n.label} ${n.description ?? ''} ${n.role} ${n.icon} ^${parent}`
        : `${depth} ${n.id} ${n.session.alias} ${n.profile} ${n.status} ${n.pinned} ${JSON.stringify(n.facts)} ${JSON.stringify(n.active ?? null)} ^${parent}`;
    return [own, ...rows(model, model.children(n), depth + 1)];
  });
}

function same(kept: TreeModel, fresh: TreeModel, state: PersistedState, what: string): void {
  assert.deepEqual(rows(kept), rows(fresh), what);
  assert.equal(kept.shown, fresh.shown, what);
  assert.equal(kept.total, fresh.total, what);
  for (const s of state.sessions) assert.equal(kept.sessionNode(s.id)?.id, fresh.sessionNode(s.id)?.id, `${what}: node of ${s.id}`);
}

function randomState(next: () => number): PersistedState {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const integrations = [
    { id: 'i1', alias: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-west-1', accountCount: 2 },
    { id: 'i2', alias: 'lab', startUrl: 'https://lab.awsapps.com/start', ssoRegion: 'us-east-1' },
  ];
  const sessions: Session[] = [];
  const count = 5 + Math.floor(next() * 30);
  for (let i = 0; i < count; i++) sessions.push(randomSession(next, `s${i}`, sessions));
  const state: PersistedState = { version: 1, profiles: [{ id: 'p0', name: 'default' }, { id: 'p1', name: 'team' }], sessions, active: {}, pinned: [], lastUsed: {}, integrations };
  for (const s of sessions) if (next() < 0.2) state.pinned!.push(s.id);
  for (const s of sessions) if (next() < 0.3) state.lastUsed![s.id] = new Date(NOW - Math.floor(next() * 5) * 60_000).toISOString();
  for (const s of sessions) if (next() < 0.3) state.active[s.id] = { sessionId: s.id, status: pick(['active', 'error', 'starting'] as const), expiration: new Date(NOW + Math.floor(next() * 30) * 60_000).toISOString() };
  return state;
}

function randomSession(next: () => number, id: string, others: readonly Session[]): Session {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const alias = `${pick(WORDS)}-${Math.floor(next() * 12)}`;
  const common = { id, alias, profileId: pick(['p0', 'p1', 'gone']), region: pick(['eu-west-1', 'us-east-1']) };
  const r = next();
  if (r < 0.4) return { ...common, kind: 'iamUser', mfaSerial: next() < 0.5 ? `arn:aws:iam::${100000000000 + Math.floor(next() * 5)}:mfa/u` : undefined } as Session;
  if (r < 0.6 && others.length) return { ...common, kind: 'iamRoleChained', roleArn: `arn:aws:iam::${100000000000 + Math.floor(next() * 5)}:role/R`, assumerSessionId: pick(others).id } as Session;
  const account = Math.floor(next() * 3);
  return { ...common, kind: 'awsSso', integrationId: pick(['i1', 'i2', 'i3']), accountId: String(200000000000 + account), accountName: pick(['Prod', 'Dev', 'prod']), roleName: pick(['Admin', 'Reader']) } as Session;
}

/** One random change, as the store would write it: start/stop, rename, add, remove, move, pin, integration or profile renamed, refresh. */
function change(state: PersistedState, next: () => number, serial: number): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const r = next();
  const s = state.sessions.length ? pick(state.sessions) : undefined;
  if (r < 0.25 && s) {
    if (state.active[s.id]) delete state.active[s.id];
    else state.active[s.id] = { sessionId: s.id, status: 'active', expiration: new Date(NOW + Math.floor(next() * 30) * 60_000).toISOString() };
    state.lastUsed![s.id] = new Date(NOW - serial).toISOString();
  } else if (r < 0.35 && s) state.sessions[state.sessions.indexOf(s)] = { ...s, alias: `${pick(WORDS)}-${serial}` };
  else if (r < 0.5) state.sessions.splice(Math.floor(next() * (state.sessions.length + 1)), 0, randomSession(next, `n${serial}`, state.sessions));
  else if (r < 0.6 && s) state.sessions.splice(state.sessions.indexOf(s), 1);
  else if (r < 0.65 && state.sessions.length > 1) state.sessions.push(state.sessions.shift()!);
  else if (r < 0.75 && s) state.pinned = state.pinned!.includes(s.id) ? state.pinned!.filter((id) => id !== s.id) : [...state.pinned!, s.id];
  else if (r < 0.8) state.integrations![0].alias = `corp-${serial}`;
  else if (r < 0.85) state.profiles[1].name = `team-${serial}`;
  else if (r < 0.9 && s) state.sessions[state.sessions.indexOf(s)] = { ...s, region: pick(['ap-south-1', 'eu-west-1']) };
  else if (s) {
    // A refresh: new credentials, the status as it was.
    const active = state.active[s.id] ?? { sessionId: s.id, status: 'active' };
    state.active[s.id] = { ...active, expiration: new Date(NOW + (serial + 20) * 60_000).toISOString() };
  }
}

describe('tree model: what it keeps between snapshots and keystrokes', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: after random changes and typing, every model equals a fresh build`, () => {
      const next = rng(seed);
      const state = randomState(next);
      for (let step = 0; step < 40; step++) {
        change(state, next, step);
        const frozen = deepFreeze(structuredClone(state));
        const mode: ViewMode = next() < 0.5 ? 'grouped' : 'flat';
        const now = NOW + Math.floor(next() * 40) * 60_000;
        same(buildTreeModel(frozen, { mode, now }), buildTreeModel(structuredClone(state), { mode, now }), state, `seed ${seed} step ${step} ${mode}`);
        // Typing on, deleting and typing another word, on the same snapshot.
        const word = `${WORDS[Math.floor(next() * WORDS.length)]} ${next() < 0.5 ? 'team' : ''}`.toLowerCase();
        const typed = [...Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1)), word.slice(0, 2), '', 'eu', 'eu-', 'eu-w p'];
        for (const filter of typed) {
          const later = now + Math.floor(next() * 3) * 60_000;
          same(buildTreeModel(frozen, { mode, filter, now: later }), buildTreeModel(structuredClone(state), { mode, filter, now: later }), state, `seed ${seed} step ${step} ${mode} "${filter}"`);
        }
      }
    });
  }

  it('the incremental filter finds what the full filter finds, on random texts and random typing', () => {
    const next = rng(42);
    const alphabet = 'ab c-äA1';
    const texts = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('').toLowerCase());
    const all = texts.map((_, i) => i);
    for (let round = 0; round < 200; round++) {
      const target = Array.from({ length: 1 + Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      let last = { filter: '', matches: all };
      for (let i = 1; i <= target.length; i++) {
        const filter = target.slice(0, i);
        const narrowed = filter.toLowerCase().startsWith(last.filter) ? fullMatches((j) => texts[j], last.matches, filter) : fullMatches((j) => texts[j], all, filter);
        assert.deepEqual(narrowed, fullMatches((j) => texts[j], all, filter), `"${filter}" after "${last.filter}"`);
        last = { filter: filter.toLowerCase(), matches: narrowed };
      }
    }
  });

  it('a start changes one node; the others are the same objects, and an unchanged keystroke gives the same tree', () => {
    const state = randomState(rng(9));
    state.active = {};
    const first = deepFreeze(structuredClone(state));
    const before = buildTreeModel(first, { mode: 'grouped', now: NOW });
    const started = structuredClone(state);
    const id = state.sessions[0].id;
    started.active[id] = { sessionId: id, status: 'active', expiration: new Date(NOW + 3600_000).toISOString() };
    const after = buildTreeModel(deepFreeze(started), { mode: 'grouped', now: NOW });
    assert.equal(after.sessionNode(id)?.status, 'active');
    assert.equal(before.sessionNode(id)?.status, 'inactive');
    for (const s of state.sessions.slice(1)) assert.equal(after.sessionNode(s.id), before.sessionNode(s.id), s.id);
    const all = buildTreeModel(first, { mode: 'flat', filter: 'e', now: NOW });
    const again = buildTreeModel(first, { mode: 'flat', filter: 'e  ', now: NOW + 1000 });
    assert.equal(again, all);
  });
});
