import assert from 'node:assert/strict';
import { buildTreeModel, changedRows, displayStatus, MAX_ROW_REFRESH, type ModelNode, type TreeModel } from '../../../src/core/treeModel';
import type { PersistedState, Session } from '../../../src/core/model';
import { sessionType } from '../../../src/core/sessions/registry';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function state(): PersistedState {
  const user = (id: string, alias: string, profileId: string, region: string, mfaSerial?: string): Session => ({ id, kind: 'iamUser', alias, profileId, region, mfaSerial });
  return {
    version: 1,
    profiles: [
      { id: 'p0', name: 'default' },
      { id: 'p1', name: 'dev' },
    ],
    sessions: [
      user('a', 'zeta-admin', 'p0', 'eu-west-1', 'arn:aws:iam::123456789012:mfa/zeta'),
      user('b', 'alpha', 'p1', 'us-east-1'),
      user('c', 'prod-reader', 'p1', 'ap-south-1', 'arn:aws:iam::999999999999:mfa/r'),
    ],
    active: {
      a: { sessionId: 'a', status: 'active', expiration: new Date(NOW + 5 * 60_000).toISOString() },
      c: { sessionId: 'c', status: 'error', error: 'boom' },
    },
    pinned: ['c'],
    lastUsed: { b: '2026-11-22T09:00:00Z', a: '2026-11-21T09:00:00Z' },
  };
}

function labels(model: TreeModel, nodes: readonly ModelNode[] = model.roots): unknown[] {
  return nodes.map((n) => (n.type === 'group' ? { [n.label]: labels(model, model.children(n)) } : n.session.alias));
}

describe('tree model', () => {
  it('groups by type below a Pinned group, sorted by alias, each session once', () => {
    const model = buildTreeModel(state(), { mode: 'grouped', now: NOW });
    assert.deepEqual(labels(model), [{ Pinned: ['prod-reader'] }, { 'IAM User': ['alpha', 'zeta-admin'] }]);
    const alpha = model.sessionNode('b')!;
    assert.equal(model.parent(alpha)?.id, 'group:iamUser');
    assert.equal(model.parent(model.sessionNode('c')!)?.id, 'group:pinned');
    assert.equal(model.total, 3);
  });

  it('flat view sorts by recent use', () => {
    const model = buildTreeModel(state(), { mode: 'flat', now: NOW });
    assert.deepEqual(labels(model), [{ Pinned: ['prod-reader'] }, 'alpha', 'zeta-admin']);
  });

  it('filters by alias, profile, region and account id; all words must match', () => {
    const check = (filter: string, expected: string[]) => {
      const model = buildTreeModel(state(), { mode: 'flat', filter, now: NOW });
      const shown = ['a', 'b', 'c'].filter((id) => model.sessionNode(id)).map((id) => model.sessionNode(id)!.session.alias);
      assert.deepEqual(shown.sort(), expected.sort(), filter);
      assert.equal(model.shown, expected.length);
    };
    check('ALPHA', ['alpha']);
    check('dev', ['alpha', 'prod-reader']);
    check('dev ap-south', ['prod-reader']);
    check('123456789012', ['zeta-admin']);
    check('nothing-matches', []);
    check('', ['alpha', 'prod-reader', 'zeta-admin']);
  });

  it('derives display status from expiry', () => {
    assert.equal(displayStatus(undefined, NOW), 'inactive');
    assert.equal(displayStatus({ sessionId: 'x', status: 'active', expiration: new Date(NOW + 5 * 60_000).toISOString() }, NOW), 'expiring');
    assert.equal(displayStatus({ sessionId: 'x', status: 'active', expiration: new Date(NOW + 60 * 60_000).toISOString() }, NOW), 'active');
    assert.equal(displayStatus({ sessionId: 'x', status: 'active', expiration: new Date(NOW - 1).toISOString() }, NOW), 'expired');
    assert.equal(displayStatus({ sessionId: 'x', status: 'error' }, NOW), 'error');
    const model = buildTreeModel(state(), { mode: 'grouped', now: NOW });
    assert.equal(model.sessionNode('a')!.status, 'expiring');
    assert.equal(model.sessionNode('a')!.facts.accountId, '123456789012');
  });

  it('describes only the sessions whose facts are asked for (a row shown, a filter), not all of them at each build', () => {
    const type = sessionType('iamUser');
    const describe = type.describe!;
    let described = 0;
    type.describe = (session, st) => (described++, describe(session, st));
    try {
      const many: PersistedState = { ...state(), sessions: Array.from({ length: 500 }, (_, i): Session => ({ id: `s${i}`, kind: 'iamUser', alias: `user-${i}`, profileId: 'p0', region: 'eu-west-1', mfaSerial: `arn:aws:iam::${100000000000 + i}:mfa/u` })), active: {}, pinned: [] };
      const model = buildTreeModel(many, { mode: 'grouped', now: NOW });
      const rows = model.children(model.roots[0]);
      assert.equal(rows.length, 500);
      assert.equal(described, 0, 'building the tree describes no session');
      assert.equal(rows[0].type === 'session' && rows[0].facts.accountId, '100000000000');
      assert.equal(described, 1, 'a row shown describes its session once');
      assert.equal(rows[0].type === 'session' && rows[0].facts.accountId, '100000000000');
      assert.equal(described, 1);
      const found = buildTreeModel(many, { mode: 'grouped', now: NOW, filter: '100000000499' });
      assert.deepEqual(labels(found), [{ 'IAM User': ['user-499'] }], 'a filter asks the facts of every session');
    } finally {
      type.describe = describe;
    }
  });

  describe('the rows to re-render after a change (a whole-tree refresh drops the handle of every row a menu may be open on)', () => {
    const frozen = (s: PersistedState): PersistedState => {
      Object.freeze(s.sessions);
      return Object.freeze(s);
    };
    const build = (s: PersistedState, filter?: string) => buildTreeModel(s, { mode: 'grouped', now: NOW, filter });

    it('a session that starts, refreshes or stops re-renders its row alone', () => {
      const before = state();
      const was = build(frozen(before));
      const started = { ...before, active: { ...before.active, b: { sessionId: 'b', status: 'active' as const, expiration: new Date(NOW + 3_600_000).toISOString() } } };
      const now = build(frozen(started));
      assert.deepEqual(changedRows(was, now)?.map((n) => n.session.alias), ['alpha']);
      const rotated: PersistedState = { ...started, active: { ...started.active, b: { sessionId: 'b', status: 'active' as const, expiration: new Date(NOW + 7_200_000).toISOString() } } };
      const later = build(frozen(rotated));
      assert.deepEqual(changedRows(now, later)?.map((n) => n.session.alias), ['alpha']);
      const stopped = { ...rotated.active };
      delete stopped.a;
      assert.deepEqual(changedRows(later, build(frozen({ ...rotated, active: stopped })))?.map((n) => n.session.alias), ['zeta-admin']);
    });

    it('a new, renamed, deleted, pinned or edited session, or a filter re-renders the whole tree', () => {
      const base = state();
      const was = build(frozen(base));
      const user = (id: string, alias: string): Session => ({ id, kind: 'iamUser', alias, profileId: 'p1', region: 'eu-west-1' });
      assert.equal(changedRows(was, build(frozen({ ...base, sessions: [...base.sessions, user('d', 'delta')] }))), undefined, 'a new session');
      assert.equal(changedRows(was, build(frozen({ ...base, sessions: base.sessions.map((s) => (s.id === 'b' ? { ...s, alias: 'omega' } : s)) }))), undefined, 'renamed: it moves');
      assert.equal(changedRows(was, build(frozen({ ...base, sessions: base.sessions.filter((s) => s.id !== 'b') }))), undefined, 'deleted');
      assert.equal(changedRows(was, build(frozen({ ...base, pinned: ['c', 'b'] }))), undefined, 'pinned');
      assert.equal(changedRows(was, build(frozen({ ...base, sessions: base.sessions.map((s) => (s.id === 'b' ? { ...s, region: 'eu-north-1' } : s)) }))), undefined, 'edited: commands read the row it holds');
      assert.equal(changedRows(was, build(frozen(state()), 'alpha')), undefined, 'filtered');
    });

    it('nothing changed: no row; more than the cap: the whole tree', () => {
      const base = state();
      assert.deepEqual(changedRows(build(frozen(base)), build(frozen(state()))), []);
      const many = (expiry: number): PersistedState => {
        const sessions = Array.from({ length: MAX_ROW_REFRESH + 1 }, (_, i): Session => ({ id: `s${i}`, kind: 'iamUser', alias: `s${i}`, profileId: 'p1', region: 'eu-west-1' }));
        const active = Object.fromEntries(sessions.map((s) => [s.id, { sessionId: s.id, status: 'active' as const, expiration: new Date(expiry).toISOString() }]));
        return frozen({ ...base, sessions, active, pinned: [] });
      };
      assert.equal(changedRows(build(many(NOW + 3_600_000)), build(many(NOW + 7_200_000))), undefined);
    });
  });
});
