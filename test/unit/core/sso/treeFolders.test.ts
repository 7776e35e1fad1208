import assert from 'node:assert/strict';
import { emptyState, type AwsSsoSession, type PersistedState } from '../../../../src/core/model';
import { buildTreeModel, type ModelNode } from '../../../../src/core/treeModel';
import { mergeBatch } from '../../../../src/core/sso/merge';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function org(accounts: number, roles: string[]) {
  return Array.from({ length: accounts }, (_, i) => ({ accountId: String(300000000000 + i), accountName: `acct-${i}`, roles }));
}

describe('IAM Identity Center in the sessions tree', () => {
  it('shows integration → account (name, id) → role, and an integration with no sessions yet', () => {
    const state: PersistedState = emptyState('p-default');
    state.integrations = [
      { id: 'i1', alias: 'acme', startUrl: 'https://acme.awsapps.com/start', ssoRegion: 'eu-west-1', accountCount: 2 },
      { id: 'i2', alias: 'fresh', startUrl: 'https://fresh.awsapps.com/start', ssoRegion: 'us-east-1' },
    ];
    let n = 0;
    mergeBatch(state, state.integrations[0], org(2, ['Admin', 'ReadOnly']), () => `s${++n}`);
    const model = buildTreeModel(state, { mode: 'grouped', now: NOW });
    const label = (node: ModelNode) => (node.type === 'group' ? node.label : (node.session as AwsSsoSession).roleName);
    const [root] = model.roots;
    assert.equal(root.type === 'group' && root.label, 'IAM Identity Center');
    const integrations = model.children(root);
    assert.deepEqual(integrations.map(label), ['acme', 'fresh']);
    assert.equal(integrations[0].type === 'group' && integrations[0].role, 'ssoIntegration');
    const accounts = model.children(integrations[0]);
    assert.deepEqual(accounts.map((a) => (a.type === 'group' ? `${a.label} ${a.description}` : '')), ['acct-0 300000000000', 'acct-1 300000000001']);
    assert.deepEqual(model.children(accounts[1]).map(label), ['Admin', 'ReadOnly']);
    const role = model.children(accounts[1])[0];
    assert.equal(model.parent(role), accounts[1], 'getParent works for reveal');
    assert.equal(model.parent(accounts[1]), integrations[0]);
    assert.equal(model.children(integrations[1]).length, 0);
  });

  it('merging a batch twice adds nothing and keeps aliases unique across integrations', () => {
    const state: PersistedState = emptyState('p-default');
    state.integrations = [
      { id: 'a', alias: 'a', startUrl: 'https://a.awsapps.com/start', ssoRegion: 'eu-west-1' },
      { id: 'b', alias: 'b', startUrl: 'https://b.awsapps.com/start', ssoRegion: 'eu-west-1' },
    ];
    let n = 0;
    const id = () => `s${++n}`;
    assert.equal(mergeBatch(state, state.integrations[0], org(3, ['Admin']), id), 3);
    assert.equal(mergeBatch(state, state.integrations[0], org(3, ['Admin']), id), 0);
    assert.equal(mergeBatch(state, state.integrations[1], org(3, ['Admin']), id), 3);
    const aliases = state.sessions.map((s) => s.alias.toLowerCase());
    assert.equal(new Set(aliases).size, aliases.length);
  });
});
