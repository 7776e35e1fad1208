import assert from 'node:assert/strict';
import { IntegrationSecretKeys, SecretKeys } from '../../../../src/core/constants';
import { UserFacingError, ValidationError } from '../../../../src/core/errors';
import type { AwsSsoSession, PersistedState, Session } from '../../../../src/core/model';
import { ssoHarness, type SsoHarness } from '../../support/ssoHarness';

const START_URL = 'https://d-local.awsapps.com/start';

async function loggedIn(h: SsoHarness, flow: 'device' | 'pkce' = 'device') {
  const integration = await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1' });
  await h.access.login(integration.id, h.ui(), flow);
  return integration;
}

const calls = (h: SsoHarness, action: string) => h.aws.state.callLog().filter((c) => c.action === action);
const profileOf = (state: PersistedState, session: Session) => state.profiles.find((p) => p.id === session.profileId)?.name;
const ssoSessions = async (h: SsoHarness) => (await h.state.read()).sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');

describe('IAM Identity Center: login, tokens, sync, start, logout (against the local double)', function () {
  this.timeout(30_000);
  let h: SsoHarness;
  afterEach(async () => h?.close());

  it('validates the integration form: alias, portal URL, region', async () => {
    h = await ssoHarness();
    await assert.rejects(h.sso.addIntegration({ alias: '', startUrl: 'ftp://x', ssoRegion: 'mars-1' }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.problems.map((p) => p.field), ['alias', 'startUrl', 'ssoRegion']);
      return true;
    });
    await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1' });
    await assert.rejects(h.sso.addIntegration({ alias: 'ACME', startUrl: START_URL, ssoRegion: 'eu-west-1' }), /already used/);
  });

  it('device login: shows the code, polls until approved, keeps tokens only in the vault, and reuses the client registration', async () => {
    h = await ssoHarness();
    const integration = await loggedIn(h);
    assert.equal(h.shown.length, 1);
    assert.match(h.shown[0].userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(await h.access.loginState(integration.id), 'loggedIn');
    const token = JSON.parse(h.secrets.values.get(IntegrationSecretKeys.forIntegration(integration.id, 'ssoToken'))!);
    assert.ok(token.accessToken && token.refreshToken, 'access and refresh token stored');
    assert.ok(!JSON.stringify(await h.state.read()).includes(token.accessToken), 'no token in the state');
    await h.access.login(integration.id, h.ui(), 'device');
    assert.equal(calls(h, 'RegisterClient').length, 1, 'the registration is cached until it expires');
    assert.equal(calls(h, 'StartDeviceAuthorization').length, 2);
  });

  it('device login stops when cancelled, and when the code is denied', async () => {
    h = await ssoHarness();
    const integration = await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1' });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    await assert.rejects(h.access.login(integration.id, h.ui({ approve: false, signal: abort.signal }), 'device'), /cancelled/);
    const denying = { ...h.ui({ approve: false }), showDeviceCode: (a: { userCode: string }) => void h.aws.sso.decide(a.userCode, false) };
    await assert.rejects(h.access.login(integration.id, denying, 'device'), /denied/);
    assert.equal(await h.access.loginState(integration.id), 'loggedOut');
  });

  it('PKCE login: loopback redirect, code exchanged with the verifier', async () => {
    h = await ssoHarness();
    const integration = await loggedIn(h, 'pkce');
    assert.equal(await h.access.loginState(integration.id), 'loggedIn');
    assert.equal(h.shown.length, 0, 'no device code in the PKCE flow');
    const create = calls(h, 'CreateToken');
    assert.equal(create.length, 1);
    assert.equal(create[0].status, 200);
    assert.equal(calls(h, 'Authorize').length, 1);
  });

  it('refreshes an expired access token silently with the refresh token', async () => {
    h = await ssoHarness({ accessTokenSeconds: 60 });
    const integration = await loggedIn(h);
    const before = JSON.parse(h.secrets.values.get(IntegrationSecretKeys.forIntegration(integration.id, 'ssoToken'))!);
    // 60 s is inside the 5-minute refresh margin: the next use refreshes.
    const token = await h.access.accessToken(integration.id, { interactive: false });
    assert.notEqual(token, before.accessToken);
    assert.equal(h.loginRequests.length, 0, 'no login asked');
    const after = JSON.parse(h.secrets.values.get(IntegrationSecretKeys.forIntegration(integration.id, 'ssoToken'))!);
    assert.equal(after.refreshToken, before.refreshToken, 'the refresh token is kept');
  });

  it('asks for a login when the refresh token is gone too', async () => {
    h = await ssoHarness({ accessTokenSeconds: 60 });
    const integration = await loggedIn(h);
    h.aws.sso.revokeAll({ refreshTokens: true });
    await assert.rejects(h.access.accessToken(integration.id, { interactive: false }), (e: unknown) => e instanceof UserFacingError && /Log in/.test(e.full));
    assert.equal(await h.access.loginState(integration.id), 'loggedOut');
  });

  it('syncs every account and role through the throttle, with no account missing, in batches', async () => {
    h = await ssoHarness({ accounts: 120, roles: 2, throttleRps: 25, throttleBurst: 5 });
    const integration = await loggedIn(h);
    h.aws.sso.configure({ throttleRps: 25, throttleBurst: 5 }); // a full bucket for the sync alone
    const batches: number[] = [];
    const report = await h.sso.sync(integration.id, { batchMs: 200, batchSize: 40, onProgress: (p) => batches.push(p.done) });
    assert.equal(report.accounts, 120);
    assert.equal(report.added, 240);
    const sessions = await ssoSessions(h);
    assert.equal(sessions.length, 240);
    assert.equal(new Set(sessions.map((s) => s.accountId)).size, 120);
    assert.ok(h.aws.sso.stats.throttled > 0, 'the throttle was hit');
    assert.ok(batches.length >= 2 && batches.length < 40, `batches: ${batches.length}`);
    const integrationAfter = (await h.state.read()).integrations![0];
    assert.equal(integrationAfter.accountCount, 120);
    assert.ok(integrationAfter.lastSyncAt);
  });

  it('honours Retry-After on 429', async () => {
    h = await ssoHarness({ accounts: 30, roles: 1, throttleRps: 5, throttleBurst: 5, retryAfterSeconds: 1 });
    const integration = await loggedIn(h);
    const started = Date.now();
    const report = await h.sso.sync(integration.id);
    assert.equal(report.accounts, 30);
    assert.ok(h.aws.sso.stats.throttled > 0);
    // 31 calls at 5/s after a burst of 5: at least ~5 s whatever the pacing.
    assert.ok(Date.now() - started >= 4000);
  });

  it('re-sync adds new, removes vanished (stopping them), keeps the user region and profile', async () => {
    h = await ssoHarness({ accounts: 3, roles: 2 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    let sessions = await ssoSessions(h);
    const keep = sessions.find((s) => s.accountName === 'account-0001' && s.roleName === 'AdministratorAccess')!;
    await h.sessions.editor.save('awsSso', { profile: 'work', region: 'ap-southeast-2' }, keep.id);
    const doomed = sessions.find((s) => s.accountName === 'account-0003')!;
    await h.sessions.lifecycle.start(doomed.id);
    assert.equal((await h.state.read()).active[doomed.id]?.status, 'active');
    // A chained session whose assumer will vanish.
    await h.state.update((s) => {
      s.sessions.push({ id: 'chained-1', kind: 'iamRoleChained', alias: 'chained-on-0003', profileId: doomed.profileId, region: 'us-east-1', roleArn: 'arn:aws:iam::200000000003:role/Deploy', assumerSessionId: doomed.id });
    });
    const accounts = h.aws.sso.accounts();
    h.aws.sso.setAccounts([accounts[0], accounts[1], { accountId: '299999999999', accountName: 'new-account', emailAddress: 'n@example.com', roles: ['ReadOnlyAccess'] }]);
    const report = await h.sso.sync(integration.id);
    assert.deepEqual({ added: report.added, removed: report.removed }, { added: 1, removed: 2 });
    assert.deepEqual(report.orphaned, ['chained-on-0003']);
    const state = await h.state.read();
    sessions = state.sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');
    assert.ok(state.sessions.some((s) => s.id === 'chained-1'), 'the chained session stays (the user decides)');
    assert.equal(sessions.length, 5);
    assert.ok(!sessions.some((s) => s.accountId === doomed.accountId));
    assert.equal(state.active[doomed.id], undefined);
    assert.deepEqual(h.delivery.log.slice(-1), [`withdraw ${profileOf(state, doomed)}`], 'the vanished active session was stopped first');
    const kept = state.sessions.find((s) => s.id === keep.id)!;
    assert.equal(kept.region, 'ap-southeast-2');
    assert.equal(state.profiles.find((p) => p.id === kept.profileId)?.name, 'work');
  });

  it('start: GetRoleCredentials with the token, delivered; cached until expiry', async () => {
    h = await ssoHarness({ accounts: 2, roles: 1 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [session] = await ssoSessions(h);
    await h.sessions.lifecycle.start(session.id);
    const delivered = h.delivery.profiles.get(profileOf(await h.state.read(), session))!;
    assert.match(delivered.credentials.accessKeyId, /^ASIA/);
    assert.equal(delivered.region, 'eu-west-1');
    assert.ok(h.aws.state.issuedByAccessKey(delivered.credentials.accessKeyId), 'issued by the portal');
    await h.sessions.lifecycle.stop(session.id);
    await h.sessions.lifecycle.start(session.id);
    assert.equal(calls(h, 'GetRoleCredentials').length, 1);
    const cachedBefore = h.secrets.values.get(SecretKeys.cachedSessionCredentials(session.id));
    assert.ok(cachedBefore);
    // "Test credentials" from the edit form: a fresh set, the cache neither used nor changed.
    await h.sessions.editor.testCredentials('awsSso', { profile: 'default', region: 'eu-west-1' }, session.id);
    assert.equal(calls(h, 'GetRoleCredentials').length, 2);
    assert.equal(h.secrets.values.get(SecretKeys.cachedSessionCredentials(session.id)), cachedBefore);
  });

  it('rotation gets fresh role credentials (minValidity) and never pops a login in the background', async () => {
    h = await ssoHarness({ accounts: 1, roles: 1 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [session] = await ssoSessions(h);
    const first = await h.access.roleCredentials(session);
    const again = await h.access.roleCredentials(session);
    assert.equal(again.accessKeyId, first.accessKeyId, 'cached while valid');
    const fresh = await h.access.roleCredentials(session, { minValidityMs: 2 * 3600 * 1000 });
    assert.notEqual(fresh.accessKeyId, first.accessKeyId, 'a rotation asks for credentials valid longer than the cached ones');
    h.aws.sso.revokeAll();
    await assert.rejects(h.access.roleCredentials(session, { minValidityMs: 2 * 3600 * 1000, background: true }), /no longer accepts/);
    assert.equal(h.loginRequests.length, 0, 'no login popped by a background refresh');
    assert.equal(await h.access.loginState(integration.id), 'loggedOut', 'the rejected token was dropped');
  });

  it('a revoked token is dropped and a login is asked for, not retried until its expiry', async () => {
    h = await ssoHarness({ accounts: 2, roles: 1 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [session] = await ssoSessions(h);
    h.aws.sso.revokeAll();
    await h.sessions.lifecycle.start(session.id);
    assert.equal(h.loginRequests.length, 1);
    assert.match(h.loginRequests[0], /no longer accepts/);
    const gets = calls(h, 'GetRoleCredentials');
    assert.deepEqual(gets.map((c) => c.status), [401, 200]);
    assert.equal((await h.state.read()).active[session.id]?.status, 'active');
  });

  it('logout: portal Logout, tokens deleted, sessions kept inactive; delete removes the integration and its sessions', async () => {
    h = await ssoHarness({ accounts: 2, roles: 2 });
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [session] = await ssoSessions(h);
    await h.sessions.lifecycle.start(session.id);
    await h.sso.logout(integration.id);
    assert.equal(calls(h, 'Logout').length, 1);
    assert.equal(await h.access.loginState(integration.id), 'loggedOut');
    const state = await h.state.read();
    assert.equal(state.active[session.id], undefined);
    assert.equal((await ssoSessions(h)).length, 4);
    assert.ok(!h.secrets.values.has(SecretKeys.cachedSessionCredentials(session.id)));
    const result = await h.sso.deleteIntegration(integration.id);
    assert.equal(result.removed, 4);
    assert.equal((await ssoSessions(h)).length, 0);
    assert.equal((await h.state.read()).integrations?.length, 0);
    assert.equal([...h.secrets.values.keys()].filter((k) => k.includes(integration.id)).length, 0);
  });

  it('editing the start URL or region logs out (the token belongs to the old instance); a new alias does not', async () => {
    h = await ssoHarness({ accounts: 1, roles: 1 });
    const integration = await loggedIn(h);
    await h.sso.editIntegration(integration.id, { alias: 'acme-renamed', startUrl: START_URL, ssoRegion: 'eu-west-1' });
    assert.equal(await h.access.loginState(integration.id), 'loggedIn');
    await h.sso.editIntegration(integration.id, { alias: 'acme-renamed', startUrl: 'https://d-other.awsapps.com/start', ssoRegion: 'eu-west-1' });
    assert.equal(await h.access.loginState(integration.id), 'loggedOut');
    assert.equal((await h.sso.integration(integration.id)).startUrl, 'https://d-other.awsapps.com/start');
  });

  it('integration-derived sessions cannot be created or renamed with the form', async () => {
    h = await ssoHarness({ accounts: 1, roles: 1 });
    await assert.rejects(h.sessions.editor.save('awsSso', { profile: 'default', region: 'eu-west-1' }), /created by syncing/);
    const integration = await loggedIn(h);
    await h.sso.sync(integration.id);
    const [session] = await ssoSessions(h);
    const saved = await h.sessions.editor.save('awsSso', { alias: 'renamed', profile: 'default', region: 'us-west-2', accountId: '1' }, session.id);
    assert.equal(saved.alias, session.alias);
    assert.equal((saved as AwsSsoSession).accountId, session.accountId);
    assert.equal(saved.region, 'us-west-2');
  });
});
