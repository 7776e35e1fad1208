import assert from 'node:assert/strict';
import type { AwsSsoSession, PersistedState } from '../../../../src/core/model';
import { ssoHarness, type SsoHarness } from '../../support/ssoHarness';

const START_URL = 'https://d-local.awsapps.com/start';

async function loggedIn(h: SsoHarness, sessionRegion?: string) {
  const integration = await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1', ...(sessionRegion ? { sessionRegion } : {}) });
  await h.access.login(integration.id, h.ui(), 'device');
  return integration;
}
const ssoSessions = (state: PersistedState) => state.sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');
const profileNames = (state: PersistedState) => new Map(ssoSessions(state).map((s) => [`${s.accountName}/${s.roleName}`, state.profiles.find((p) => p.id === s.profileId)?.name]));

describe('IAM Identity Center sync: a named profile for every role', function () {
  this.timeout(30_000);
  let h: SsoHarness;
  afterEach(async () => h?.close());

  it('gives each role its own profile, so starting a second role leaves the first running', async () => {
    h = await ssoHarness({ accounts: 2, roles: 2 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const state = await h.state.read();
    const names = [...profileNames(state).values()];
    assert.equal(new Set(names).size, 4, `four distinct profiles: ${names.join(', ')}`);
    assert.ok(!names.includes('default'));
    assert.equal(profileNames(state).get('account-0001/AdministratorAccess'), 'account-0001-AdministratorAccess');
    const [a, b] = ssoSessions(state);
    await h.sessions.lifecycle.start(a.id);
    await h.sessions.lifecycle.start(b.id);
    const after = await h.state.read();
    assert.equal(after.active[a.id]?.status, 'active', 'the first role is still active');
    assert.equal(after.active[b.id]?.status, 'active');
  });

  it('never takes a profile of the user files or of another session; names that collide after sanitising get the account id', async () => {
    h = await ssoHarness({ accounts: 2, roles: 1 }, {}, {
      naming: async () => ({ template: '{accountName}-{roleName}', defaultRegion: 'ap-southeast-2', namesInFiles: ['Prod-Account-AdministratorAccess'] }),
    });
    const accounts = h.aws.sso.accounts();
    h.aws.sso.setAccounts([
      { ...accounts[0], accountName: 'Prod Account', roles: ['AdministratorAccess'] },
      { ...accounts[1], accountName: 'Prod-Account', roles: ['AdministratorAccess'] },
      { ...accounts[1], accountId: '288888888888', accountName: 'mine', roles: ['Admin'] },
    ]);
    await h.state.update((s) => {
      s.profiles.push({ id: 'p-mine', name: 'mine-Admin' });
      s.sessions.push({ id: 'u1', kind: 'iamUser', alias: 'me', profileId: 'p-mine', region: 'eu-west-1' });
    });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const state = await h.state.read();
    const names = profileNames(state);
    assert.equal(names.get('Prod Account/AdministratorAccess'), `Prod-Account-AdministratorAccess-${accounts[0].accountId}`, 'the user file has the plain name');
    assert.equal(names.get('Prod-Account/AdministratorAccess'), `Prod-Account-AdministratorAccess-${accounts[1].accountId}`);
    assert.equal(names.get('mine/Admin'), 'mine-Admin-288888888888', 'another session uses the plain name');
    assert.deepEqual(new Set(ssoSessions(state).map((s) => s.region)), new Set(['ap-southeast-2']), 'the default region, not the SSO region');
  });

  it('a region set on the integration wins over the default region; without either, the SSO region', async () => {
    h = await ssoHarness({ accounts: 1, roles: 1 }, {}, { naming: async () => ({ template: '{accountId}-{roleName}', defaultRegion: 'us-west-2', namesInFiles: [] }) });
    const integration = await loggedIn(h, 'sa-east-1');
    await h.sso.sync(integration.id);
    assert.deepEqual(ssoSessions(await h.state.read()).map((s) => s.region), ['sa-east-1']);
  });

  it('keeps a profile the user chose through re-syncs; re-applying the template after a preview moves the others, restarting active ones', async () => {
    let template = '{accountName}-{roleName}';
    h = await ssoHarness({ accounts: 2, roles: 1 }, {}, { naming: async () => ({ template, namesInFiles: [] }) });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [first, second] = ssoSessions(await h.state.read());
    await h.sessions.editor.relocate(first.id, { profileName: 'chosen' });
    await h.sso.sync(integration.id);
    assert.equal(profileNames(await h.state.read()).get(`${first.accountName}/${first.roleName}`), 'chosen', 'a re-sync keeps the choice');

    await h.sessions.lifecycle.start(second.id);
    template = '{accountId}.{roleName}';
    const plan = await h.sso.planProfileNames(integration.id);
    assert.deepEqual(
      plan.map((p) => [p.alias, p.from, p.to, p.active]),
      [
        [first.alias, 'chosen', `${first.accountId}.${first.roleName}`, false],
        [second.alias, `${second.accountName}-${second.roleName}`, `${second.accountId}.${second.roleName}`, true],
      ],
    );
    assert.equal(profileNames(await h.state.read()).get(`${first.accountName}/${first.roleName}`), 'chosen', 'a preview writes nothing');
    const result = await h.sso.applyProfileNames(plan);
    assert.deepEqual(result, { moved: 2, failed: [] });
    const state = await h.state.read();
    assert.equal(profileNames(state).get(`${second.accountName}/${second.roleName}`), `${second.accountId}.${second.roleName}`);
    assert.equal(state.active[second.id]?.status, 'active', 'the active role restarted on its new profile');
    assert.ok(h.delivery.profiles.has(`${second.accountId}.${second.roleName}`));
    assert.deepEqual(await h.sso.planProfileNames(integration.id), [], 'applied: nothing left to change');
  });
});
