import assert from 'node:assert/strict';
import { SessionError, ValidationError } from '../../../src/core/errors';
import { KEY, SECRET, setup as setupService } from '../support/sessionSetup';
import type { IamRoleChainedSession } from '../../../src/core/model';
import { dependentsOf } from '../../../src/core/sessionGraph';

const ROLE = 'arn:aws:iam::111111111111:role/Admin';

function setup(answers: Array<string | undefined> = []) {
  const t = setupService(answers);
  const { service } = t;
  const user = (mfa = true) =>
    service.editor.save('iamUser', { alias: 'alice', profile: 'default', region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: mfa ? 'arn:aws:iam::111111111111:mfa/alice' : '' });
  const chained = (alias: string, assumerSessionId: string, over: Record<string, string> = {}) =>
    service.editor.save('iamRoleChained', { alias, profile: alias, region: 'eu-west-1', roleArn: ROLE, roleSessionName: '', assumerSessionId, ...over }) as Promise<IamRoleChainedSession>;
  return { ...t, user, chained };
}

describe('IAM Role Chained sessions', () => {
  it('a chain three deep: each level signs AssumeRole with the credentials of the level below', async () => {
    const t = setup(['123456']);
    const u = await t.user();
    const c1 = await t.chained('one', u.id);
    const c2 = await t.chained('two', c1.id);
    const c3 = await t.chained('three', c2.id);
    await t.service.lifecycle.start(c3.id);
    assert.deepEqual(t.sts.calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole', 'AssumeRole', 'AssumeRole']);
    assert.equal(t.sts.calls[1].signer, 'ASIATEMP000000000001', 'level one signed by the session token');
    assert.equal(t.sts.calls[2].signer, 'ASIATEMP000000000002');
    assert.equal(t.sts.calls[3].signer, 'ASIATEMP000000000003');
    assert.equal(t.delivery.profiles.get('three')?.credentials.accessKeyId, 'ASIATEMP000000000004');
    assert.deepEqual(Object.keys((await t.state.read()).active), [c3.id], 'only the started session is active');
  });

  it('uses aws-sessions-<alias> as the default role session name and keeps a given one', async () => {
    const t = setup();
    const u = await t.user(false);
    const c = await t.chained('dev admin', u.id, { profile: 'dev' });
    assert.equal(c.roleSessionName, undefined);
    const seen: string[] = [];
    const original = t.sts.assumeRole.bind(t.sts);
    t.sts.assumeRole = async (r) => {
      seen.push(r.roleSessionName);
      return original(r);
    };
    await t.service.resolver.credentials(c.id);
    const named = await t.chained('named', u.id, { roleSessionName: 'me@corp' });
    await t.service.resolver.credentials(named.id);
    assert.deepEqual(seen, ['aws-sessions-dev-admin', 'me@corp']);
  });

  it('three chains on one MFA user started at once: one MFA prompt, one GetSessionToken, then the cached token', async () => {
    const t = setup(['123456', '999999']);
    const u = await t.user();
    const chains = await Promise.all(['a', 'b', 'c'].map(async (x) => t.chained(x, u.id)));
    await Promise.all(chains.map((c) => t.service.lifecycle.start(c.id)));
    assert.equal(t.prompter.asked.length, 1);
    assert.equal(t.sts.calls.filter((c) => c.action === 'GetSessionToken').length, 1);
    assert.equal(t.sts.calls.filter((c) => c.action === 'AssumeRole').length, 3);
    t.clock.advance(2 * 3600_000);
    await t.service.resolver.credentials(chains[0].id);
    assert.equal(t.prompter.asked.length, 1, 'the IAM User token is reused by its chains until it expires');
    assert.equal(t.sts.calls.filter((c) => c.action === 'GetSessionToken').length, 1);
  });

  it('refuses a cycle and a missing or self assumer at save time, naming the field', async () => {
    const t = setup();
    const u = await t.user(false);
    const a = await t.chained('a', u.id);
    const b = await t.chained('b', a.id);
    await assert.rejects(t.chained('a', b.id, {}).then(() => undefined), /already used/);
    await assert.rejects(
      t.service.editor.save('iamRoleChained', { alias: 'a', profile: 'a', region: 'eu-west-1', roleArn: ROLE, roleSessionName: '', assumerSessionId: b.id }, a.id),
      (e: unknown) => e instanceof ValidationError && e.problems[0].field === 'assumerSessionId' && /cycle \("a" → "b" → "a"\)/.test(e.problems[0].message),
    );
    await assert.rejects(t.chained('x', 'no-such-id'), (e: unknown) => e instanceof ValidationError && /no longer exists/.test(e.message));
    await assert.rejects(
      t.service.editor.save('iamRoleChained', { alias: 'a', profile: 'a', region: 'eu-west-1', roleArn: ROLE, roleSessionName: '', assumerSessionId: a.id }, a.id),
      (e: unknown) => e instanceof ValidationError && /its own credentials/.test(e.message),
    );
  });

  it('deleting an assumer reports every chain that passes through it, nearest first, and no other session', async () => {
    const t = setup();
    const u = await t.user(false);
    const a = await t.chained('a', u.id);
    const b = await t.chained('b', a.id);
    await t.chained('c', b.id);
    const other = await t.chained('other', u.id);
    assert.deepEqual(dependentsOf((await t.state.read()).sessions, u.id).map((s) => s.alias), ['a', 'other', 'b', 'c']);
    const { orphaned } = await t.service.editor.delete(a.id);
    assert.deepEqual(orphaned.map((s) => s.alias), ['b', 'c']);
    assert.deepEqual((await t.state.read()).sessions.map((s) => s.alias), ['alice', 'b', 'c', 'other'], 'dependants are kept (they can get another assumer)');
    assert.deepEqual((await t.service.editor.delete(other.id)).orphaned, []);
  });

  it('refuses at start time when the graph changed (assumer deleted) with the session named', async () => {
    const t = setup();
    const u = await t.user(false);
    const a = await t.chained('a', u.id);
    const b = await t.chained('b', a.id);
    await t.service.editor.delete(a.id);
    await assert.rejects(t.service.lifecycle.start(b.id), (e: unknown) => e instanceof SessionError && /^Session "b": its assumer session no longer exists/.test(e.message) && /choose another assumer/.test(e.full));
    assert.equal((await t.state.read()).active[b.id].status, 'error');
    assert.equal(t.sts.calls.length, 0);
  });

  it('refuses at start time a cycle written by another window', async () => {
    const t = setup();
    const u = await t.user(false);
    const a = await t.chained('a', u.id);
    const b = await t.chained('b', a.id);
    await t.state.update((s) => {
      (s.sessions.find((x) => x.id === a.id) as IamRoleChainedSession).assumerSessionId = b.id;
    });
    await assert.rejects(t.service.resolver.credentials(b.id), /cycle/);
  });

  it('validates every field and says what is expected', async () => {
    const t = setup();
    await assert.rejects(
      t.service.editor.save('iamRoleChained', { alias: '', profile: 'bad name', region: 'mars-1', roleArn: 'arn:aws:iam::12:role/x', roleSessionName: 'has space', assumerSessionId: '' }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ['alias', 'assumerSessionId', 'profile', 'region', 'roleArn', 'roleSessionName']);
        assert.match(e.problems.find((p) => p.field === 'roleArn')!.message, /12-digit account/);
        return true;
      },
    );
    await assert.rejects(
      t.service.editor.save('iamRoleChained', { alias: 'cn', profile: 'cn', region: 'us-east-1', roleArn: 'arn:aws-cn:iam::111111111111:role/x', assumerSessionId: 'x' }),
      /partition aws-cn but region us-east-1 is in aws/,
    );
  });
});
