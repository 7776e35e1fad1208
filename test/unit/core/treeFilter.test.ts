/** The tree of a frozen snapshot keeps what no keystroke changes; typing narrows the last matches. Same rows as a fresh build. */
import assert from 'node:assert/strict';
import { buildTreeModel, type ModelNode, type TreeModel } from '../../../src/core/treeModel';
import type { PersistedState, Session } from '../../../src/core/model';
import { deepFreeze } from '../../../src/core/stateStore';

function rows(model: TreeModel, nodes: readonly ModelNode[] = model.roots, depth = 0): string[] {
  return nodes.flatMap((n) => [`${' '.repeat(depth)}${n.type === 'group' ? n.label : n.session.alias}`, ...rows(model, model.children(n), depth + 1)]);
}

function state(): PersistedState {
  const aliases = ['beta-2', 'Beta-10', 'alpha', 'beta-1', 'äpfel', 'zeta', 'Alpha', 'gamma-3', 'gamma-20', 'beta-2'];
  const sessions: Session[] = aliases.map((alias, i) => ({ id: `s${i}`, kind: i % 3 ? 'iamUser' : 'iamRoleChained', alias, profileId: i % 2 ? 'p1' : 'p0', region: i % 2 ? 'eu-west-1' : 'us-east-1', ...(i % 3 ? {} : { roleArn: `arn:aws:iam::${100000000000 + i}:role/R`, assumerSessionId: 's1' }) }) as Session);
  return { version: 1, profiles: [{ id: 'p0', name: 'default' }, { id: 'p1', name: 'team' }], sessions, active: {}, pinned: ['s5'], lastUsed: { s3: '2026-11-20T10:00:00Z', s7: '2026-11-21T10:00:00Z' } };
}

describe('tree model: prepared once per snapshot, incremental filter', () => {
  for (const mode of ['grouped', 'flat'] as const) {
    it(`${mode}: every keystroke (typing on, deleting, a new word) shows what a fresh build shows`, () => {
      const frozen = deepFreeze(state());
      const typed = ['b', 'be', 'bet', 'beta', 'beta-', 'beta-1', 'beta-10', 'beta-1', 'beta', 'beta e', 'beta eu', 'beta eu-', 'a', 'al', 'äp', '', 'team 1', 'team 10', 'zzz', 'zzzz', ''];
      for (const filter of typed) {
        const fresh = buildTreeModel(state(), { mode, filter, now: 0 }); // not frozen: nothing kept
        const kept = buildTreeModel(frozen, { mode, filter, now: 0 });
        assert.deepEqual(rows(kept), rows(fresh), `filter "${filter}"`);
        assert.equal(kept.shown, fresh.shown);
      }
    });
  }

  it('a new snapshot with other aliases is sorted again', () => {
    const first = deepFreeze(state());
    buildTreeModel(first, { mode: 'grouped', now: 0 });
    const changed = state();
    changed.sessions[2] = { ...changed.sessions[2], alias: 'omega' };
    assert.deepEqual(rows(buildTreeModel(deepFreeze(changed), { mode: 'grouped', now: 0 })), rows(buildTreeModel(state() && changed, { mode: 'grouped', now: 0 })));
    assert.ok(rows(buildTreeModel(deepFreeze(structuredClone(changed)), { mode: 'flat', now: 0 })).includes('omega'));
  });
});
