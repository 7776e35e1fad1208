/** One action on many sessions: one prompt per shared sign-in, prompts never at once, the concurrency bound, one summary. */
import assert from 'node:assert/strict';
import { batchFailed, batchSummary, runBatch, selectSessions, type BatchDeps } from '../../../src/core/sessionBatch';
import type { AwsSsoSession, IamRoleChainedSession, Session } from '../../../src/core/model';
import type { SessionService } from '../../../src/core/sessionService';
import type { Logger } from '../../../src/core/ports';
import { KEY, SECRET, setup } from '../support/sessionSetup';
import { ssoHarness, type SsoHarness } from '../support/ssoHarness';

const ROLE = 'arn:aws:iam::111111111111:role/Admin';

const deps = (service: SessionService, logger: Logger, more: Partial<BatchDeps> = {}): BatchDeps => ({
  state: service.state,
  lifecycle: service.lifecycle,
  editor: service.editor,
  resolver: service.resolver,
  logger,
  ...more,
});

function withUsers(answers: Array<string | undefined>) {
  const t = setup(answers);
  const user = (alias: string, mfa = true) =>
    t.service.editor.save('iamUser', { alias, profile: alias, region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: mfa ? `arn:aws:iam::111111111111:mfa/${alias}` : '' });
  const chained = (alias: string, assumerSessionId: string) =>
    t.service.editor.save('iamRoleChained', { alias, profile: alias, region: 'eu-west-1', roleArn: ROLE, roleSessionName: '', assumerSessionId }) as Promise<IamRoleChainedSession>;
  return { ...t, user, chained };
}

/** Counts how many prompts are open at once. */
function watchPrompts(prompter: { askMfaCode: (r: { sessionAlias: string; mfaSerial: string }) => Promise<string | undefined> }) {
  const seen = { open: 0, most: 0 };
  const ask = prompter.askMfaCode.bind(prompter);
  prompter.askMfaCode = async (r) => {
    seen.most = Math.max(seen.most, ++seen.open);
    try {
      return await ask(r);
    } finally {
      seen.open -= 1;
    }
  };
  return seen;
}

describe('sessions in a batch', () => {
  it('five chains on one MFA user, two at a time, the prompt cancelled: asked once, all five reported with that cause', async () => {
    const t = withUsers([undefined, '111111', '222222', '333333', '444444']);
    const u = await t.user('alice');
    const chains: Session[] = [];
    for (const x of ['a', 'b', 'c', 'd', 'e']) chains.push(await t.chained(x, u.id));
    const result = await runBatch(deps(t.service, t.logger), chains.map((c) => c.id), { kind: 'start' }, { concurrency: 2 });
    assert.equal(t.prompter.asked.length, 1, 'one MFA prompt for the five');
    assert.deepEqual(result.outcomes.map((o) => o.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.equal(t.sts.calls.length, 0);
    const summary = batchSummary(result);
    assert.equal(summary.headline, '0 of 5 sessions started.');
    assert.deepEqual(summary.problems, ['"a", "b", "c", "d", "e": the credentials of "alice" failed: The MFA code for "alice" was cancelled']);
    assert.ok(batchFailed(result));
  });

  it('chains on two MFA users and the users themselves: one prompt each, never two open at once; every session started', async () => {
    const t = withUsers(['111111', '222222', '999999']);
    const seen = watchPrompts(t.prompter);
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const ids = [alice.id, bob.id];
    for (const [x, assumer] of [['a1', alice], ['b1', bob], ['a2', alice], ['b2', bob]] as const) ids.push((await t.chained(x, assumer.id)).id);
    const result = await runBatch(deps(t.service, t.logger), ids, { kind: 'start' });
    assert.deepEqual(t.prompter.asked.map((a) => a.sessionAlias).sort(), ['alice', 'bob']);
    assert.equal(seen.most, 1, 'prompts one after another');
    assert.deepEqual(result.outcomes.map((o) => o.status), ['done', 'done', 'done', 'done', 'done', 'done']);
    assert.equal(t.sts.calls.filter((c) => c.action === 'GetSessionToken').length, 2);
    assert.equal(Object.keys((await t.state.read()).active).length, 6);
    assert.deepEqual(batchSummary(result), { headline: '6 of 6 sessions started.', problems: [] });
  });

  it('runs at most `concurrency` sessions at once, one profile at a time, each round delivered together, and reports each failure with its fix', async () => {
    const t = withUsers([]);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await t.user(`u${i}`, false)).id);
    // Two sessions on one profile: one after the other, the later one stays active.
    const shared = await t.service.editor.save('iamUser', { alias: 'twin', profile: 'u0', region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: '' });
    ids.push(shared.id);
    let running = 0;
    let most = 0;
    const perProfile = new Map<string, number>();
    let overlapOnProfile = false;
    // At most `concurrency` get credentials at once; the starts of a round are then delivered as one group.
    const getSessionToken = t.sts.getSessionToken.bind(t.sts);
    t.sts.getSessionToken = async (r) => {
      most = Math.max(most, ++running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return await getSessionToken(r);
      } finally {
        running -= 1;
      }
    };
    const groups: number[] = [];
    const deliverAll = t.delivery.deliverAll.bind(t.delivery);
    const events: string[] = [];
    t.delivery.deliverAll = async (requests, journal) => {
      groups.push(requests.length);
      events.push(`write ${requests.length}`);
      for (const { target } of requests) {
        perProfile.set(target.profileName, (perProfile.get(target.profileName) ?? 0) + 1);
        if (perProfile.get(target.profileName)! > 1) overlapOnProfile = true;
      }
      try {
        await new Promise((r) => setTimeout(r, 10));
        const out = await deliverAll(requests, journal);
        return out.map((r, i) => (requests[i].target.sessionAlias === 'u3' ? new Error('disk full while writing ~/.aws/credentials') : r));
      } finally {
        for (const { target } of requests) perProfile.set(target.profileName, perProfile.get(target.profileName)! - 1);
      }
    };
    const progress: number[] = [];
    const result = await runBatch(deps(t.service, t.logger), ids, { kind: 'start' }, { concurrency: 3, onProgress: (done) => progress.push(done), onCredentials: (got, total, s) => events.push(`credentials ${got}/${total} ${s.alias}`) });
    assert.equal(most, 3, 'three at a time');
    assert.equal(overlapOnProfile, false, 'sessions of one profile never at once');
    assert.deepEqual(groups, [9, 1], 'the first of each profile delivered together, then the second of u0');
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The progress moves as credentials come in, not only when a round's group is written.
    assert.deepEqual(
      events.map((e) => e.replace(/ u\d$/, '')),
      [...Array.from({ length: 9 }, (_, i) => `credentials ${i + 1}/10`), 'write 9', 'credentials 10/10 twin', 'write 1'],
    );
    assert.deepEqual(result.outcomes.filter((o) => o.status === 'failed').map((o) => o.alias), ['u3']);
    const state = await t.state.read();
    assert.equal(state.active[shared.id]?.status, 'active');
    assert.equal(state.active[ids[0]], undefined, 'the first of the profile was stopped by the second');
    const { headline, problems } = batchSummary(result);
    assert.equal(headline, '9 of 10 sessions started.');
    assert.deepEqual(problems, ['"u3": disk full while writing ~/.aws/credentials']);
  });

  it('stop, pin, move and delete act on every session named; unknown ids and undeletable ones are reported', async () => {
    const t = withUsers([]);
    const a = await t.user('a', false);
    const b = await t.user('b', false);
    await t.service.lifecycle.start(a.id);
    const d = deps(t.service, t.logger);
    const stopped = await runBatch(d, [a.id, b.id], { kind: 'stop' });
    assert.deepEqual(stopped.outcomes.map((o) => o.status), ['done', 'unchanged']);
    await runBatch(d, [a.id, b.id], { kind: 'pin', pinned: true });
    assert.deepEqual((await t.state.read()).pinned, [a.id, b.id]);
    const moved = await runBatch(d, [a.id, b.id], { kind: 'relocate', region: 'us-east-2' });
    assert.deepEqual(moved.outcomes.map((o) => o.status), ['done', 'done']);
    assert.deepEqual((await t.state.read()).sessions.map((s) => s.region), ['us-east-2', 'us-east-2']);
    const named = await runBatch(d, [a.id, b.id], { kind: 'relocate', profiles: new Map([[a.id, 'alpha'], [b.id, 'beta']]) });
    assert.equal(named.outcomes.filter((o) => o.status === 'done').length, 2);
    const deleted = await runBatch(d, [a.id, 'gone', b.id], { kind: 'delete' });
    assert.deepEqual(deleted.outcomes.map((o) => o.status), ['done', 'failed', 'done']);
    assert.equal((await t.state.read()).sessions.length, 0);
    assert.deepEqual(batchSummary(deleted).problems, ['"gone": it no longer exists It may have been deleted in another window.']);
  });

  it('selects by names, by a filter as the tree has it, and refuses an unknown name', async () => {
    const t = withUsers([]);
    await t.user('dev-admin', false);
    await t.user('prod-admin', false);
    await t.user('dev-read', false);
    const state = await t.state.read();
    assert.deepEqual(selectSessions(state, { filter: 'dev' }).map((s) => s.alias), ['dev-admin', 'dev-read']);
    assert.deepEqual(selectSessions(state, { names: ['PROD-ADMIN'], filter: 'read' }).map((s) => s.alias), ['prod-admin', 'dev-read']);
    assert.throws(() => selectSessions(state, { names: ['nobody'] }), /No session named or with id "nobody"/);
    assert.throws(() => selectSessions(state, { allOf: 'acme' }), /No IAM Identity Center integration named or with id "acme"/);
  });

  it('refuses a filter of blanks, which would take in every session (delete --filter " " --yes)', async () => {
    const t = withUsers([]);
    await t.user('dev-admin', false);
    await t.user('prod-admin', false);
    const state = await t.state.read();
    for (const filter of [' ', '\t \n']) assert.throws(() => selectSessions(state, { filter }), /has no word to match, so it would take in every session/);
    assert.throws(() => selectSessions(state, { names: ['dev-admin'], filter: '  ' }), /has no word to match/);
  });
});

describe('IAM Identity Center roles in a batch (against the local double)', function () {
  this.timeout(30_000);
  let h: SsoHarness | undefined;
  afterEach(async () => h?.close());

  async function synced() {
    h = await ssoHarness({ accounts: 3, roles: 2 }, {});
    const harness = h;
    const integration = await harness.sso.addIntegration({ alias: 'acme', startUrl: 'https://d-local.awsapps.com/start', ssoRegion: 'eu-west-1' });
    await harness.access.login(integration.id, harness.ui(), 'device');
    await harness.sso.sync(integration.id);
    await harness.sso.logout(integration.id, { remote: true });
    const roles = (await harness.state.read()).sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');
    const integrationLogin = (id: string, reason: string) => harness.access.accessToken(id, { interactive: true, reason });
    return { harness, integration, roles, integrationLogin };
  }

  it('six roles of a logged-out integration: one login for all of them, every role started', async () => {
    const { harness, roles, integrationLogin, integration } = await synced();
    assert.equal(roles.length, 6);
    const result = await runBatch(deps(harness.sessions, harness.logger, { integrationLogin }), roles.map((r) => r.id), { kind: 'start' }, { concurrency: 2 });
    assert.equal(harness.loginRequests.length, 1, 'one login');
    assert.deepEqual(result.outcomes.map((o) => o.status), Array(6).fill('done'));
    assert.equal(harness.aws.state.callLog().filter((c) => c.action === 'GetRoleCredentials').length, 6);
    assert.deepEqual(selectSessions(await harness.state.read(), { allOf: integration.alias }).map((s) => s.id), roles.map((r) => r.id));
  });

  it('a login that is refused: asked once, each role reported with the cause and the fix, nothing called', async () => {
    const refusals: string[] = [];
    h = await ssoHarness({ accounts: 2, roles: 2 }, {
      interactiveLogin: async (_i, reason) => {
        refusals.push(reason);
        return false;
      },
    });
    const harness = h;
    const integration = await harness.sso.addIntegration({ alias: 'acme', startUrl: 'https://d-local.awsapps.com/start', ssoRegion: 'eu-west-1' });
    await harness.access.login(integration.id, harness.ui(), 'device');
    await harness.sso.sync(integration.id);
    await harness.sso.logout(integration.id, { remote: true });
    const roles = (await harness.state.read()).sessions.map((s) => s.id);
    const before = harness.aws.state.callLog().filter((c) => c.action === 'GetRoleCredentials').length;
    const result = await runBatch(deps(harness.sessions, harness.logger, { integrationLogin: (id, reason) => harness.access.accessToken(id, { interactive: true, reason }) }), roles, { kind: 'start' }, { concurrency: 1 });
    assert.equal(refusals.length, 1, 'one login prompt, though the roles run one by one');
    assert.deepEqual(result.outcomes.map((o) => o.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.equal(harness.aws.state.callLog().filter((c) => c.action === 'GetRoleCredentials').length, before);
    assert.equal(batchSummary(result).problems.length, 1, 'one line for the one cause');
    assert.match(batchSummary(result).problems[0], /the IAM Identity Center login of "acme" failed: The login to "acme" was cancelled/);
  });
});
