import assert from 'node:assert/strict';
import { SecretKeys } from '../../../src/core/constants';
import { CancelledError, SessionError, ValidationError } from '../../../src/core/errors';
import { AwsCallError } from '../../../src/core/aws/awsErrors';
import { KEY, SECRET, setup } from '../support/sessionSetup';

const userForm = (over: Record<string, string> = {}) => ({
  alias: 'alice',
  profile: 'default',
  region: 'eu-west-1',
  accessKeyId: KEY,
  secretAccessKey: SECRET,
  mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
  ...over,
});

describe('SessionService with IAM User sessions', () => {
  it('stores the keys only in the secret vault and the rest in shared state', async () => {
    const t = setup();
    const session = await t.service.editor.save('iamUser', userForm());
    assert.equal(t.secrets.values.get(SecretKeys.accessKeyId(session.id)), KEY);
    assert.equal(t.secrets.values.get(SecretKeys.secretAccessKey(session.id)), SECRET);
    const state = await t.state.read();
    const json = JSON.stringify(state);
    assert.ok(!json.includes(SECRET) && !json.includes(KEY), 'no key in persisted state');
    assert.equal(state.sessions[0].alias, 'alice');
    assert.equal(state.profiles.find((p) => p.id === state.sessions[0].profileId)?.name, 'default');
  });

  it('refuses bad input naming every bad field, and stores nothing', async () => {
    const t = setup();
    await assert.rejects(
      t.service.editor.save('iamUser', userForm({ accessKeyId: 'ASIAABCDEFGHIJKLMNOP', secretAccessKey: '', region: 'mars-1', mfaSerial: 'nope', profile: 'bad name' })),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ['accessKeyId', 'mfaSerial', 'profile', 'region', 'secretAccessKey']);
        assert.match(e.problems.find((p) => p.field === 'accessKeyId')!.message, /temporary key/);
        return true;
      },
    );
    assert.equal(t.secrets.values.size, 0);
    assert.equal((await t.state.read()).sessions.length, 0);
  });

  it('refuses a duplicate alias', async () => {
    const t = setup();
    await t.service.editor.save('iamUser', userForm());
    await assert.rejects(t.service.editor.save('iamUser', userForm({ alias: 'ALICE' })), /already used/);
  });

  it('starts with one MFA prompt, delivers, and reuses the cached token without asking again', async () => {
    const t = setup(['123456', '654321']);
    const s = await t.service.editor.save('iamUser', userForm());
    await t.service.lifecycle.start(s.id);
    assert.equal(t.prompter.asked.length, 1);
    assert.equal(t.prompter.asked[0].sessionAlias, 'alice');
    assert.deepEqual(t.sts.calls[0], { action: 'GetSessionToken', signer: KEY, serialNumber: 'arn:aws:iam::111111111111:mfa/alice', tokenCode: '123456', durationSeconds: 36000 });
    assert.equal(t.delivery.profiles.get('default')?.region, 'eu-west-1');
    const state = await t.state.read();
    assert.equal(state.active[s.id].status, 'active');
    assert.equal(state.terminalProfile, 'default');
    await t.service.lifecycle.stop(s.id);
    assert.equal(t.delivery.profiles.size, 0);
    t.clock.advance(60 * 60 * 1000);
    await t.service.lifecycle.start(s.id);
    assert.equal(t.prompter.asked.length, 1, 'no second MFA prompt while the token is valid');
    assert.equal(t.sts.calls.length, 1);
    t.clock.advance(9 * 60 * 60 * 1000 - 4 * 60 * 1000); // within the reuse margin of expiry
    await t.service.lifecycle.start(s.id);
    assert.equal(t.prompter.asked.length, 2, 'asks again shortly before expiry');
  });

  it('concurrent starts share one generation and one MFA prompt', async () => {
    const t = setup(['123456']);
    const s = await t.service.editor.save('iamUser', userForm());
    await Promise.all([t.service.resolver.credentials(s.id), t.service.resolver.credentials(s.id), t.service.resolver.credentials(s.id)]);
    assert.equal(t.prompter.asked.length, 1);
    assert.equal(t.sts.calls.length, 1);
  });

  it('a cancelled MFA prompt leaves the session inactive and calls nothing', async () => {
    const t = setup([undefined]);
    const s = await t.service.editor.save('iamUser', userForm());
    await assert.rejects(t.service.lifecycle.start(s.id), CancelledError);
    assert.equal(t.sts.calls.length, 0);
    assert.equal((await t.state.read()).active[s.id], undefined);
  });

  it('an STS failure names the session, marks it errored, and keeps its secrets', async () => {
    const t = setup(['000000']);
    const s = await t.service.editor.save('iamUser', userForm());
    t.sts.failWith = new AwsCallError('STS GetSessionToken failed: AccessDenied (MultiFactorAuthentication failed with invalid MFA one time pass code.).', 'AccessDenied', 'The MFA code was refused: wait for the next code.', false, 403);
    await assert.rejects(t.service.lifecycle.start(s.id), (e: unknown) => {
      assert.ok(e instanceof SessionError);
      assert.match(e.message, /^Session "alice": STS GetSessionToken failed: AccessDenied/);
      assert.match(e.full, /MFA code was refused/);
      return true;
    });
    const state = await t.state.read();
    assert.equal(state.active[s.id].status, 'error');
    assert.equal(t.secrets.values.get(SecretKeys.secretAccessKey(s.id)), SECRET);
    assert.equal(t.delivery.profiles.size, 0);
  });

  it('one active session per profile: starting another on the same profile stops the first', async () => {
    const t = setup();
    const a = await t.service.editor.save('iamUser', userForm({ mfaSerial: '' }));
    const b = await t.service.editor.save('iamUser', userForm({ alias: 'bob', mfaSerial: '' }));
    const c = await t.service.editor.save('iamUser', userForm({ alias: 'carol', profile: 'other', mfaSerial: '' }));
    await t.service.lifecycle.start(a.id);
    await t.service.lifecycle.start(c.id);
    await t.service.lifecycle.start(b.id);
    const state = await t.state.read();
    assert.deepEqual(Object.keys(state.active).sort(), [b.id, c.id].sort());
    assert.deepEqual(t.delivery.log, ['deliver default', 'deliver other', 'withdraw default', 'deliver default']);
  });

  it('edit keeps stored secrets when left empty, replaces them when given, and restarts an active session', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', userForm({ mfaSerial: '' }));
    await t.service.lifecycle.start(s.id);
    await t.service.editor.save('iamUser', userForm({ mfaSerial: '', accessKeyId: '', secretAccessKey: '', region: 'us-west-2' }), s.id);
    assert.equal(t.secrets.values.get(SecretKeys.secretAccessKey(s.id)), SECRET);
    assert.equal(t.delivery.profiles.get('default')?.region, 'us-west-2', 'restarted in the new region');
    const newSecret = 'A'.repeat(40);
    await t.service.editor.save('iamUser', userForm({ mfaSerial: '', accessKeyId: '', secretAccessKey: newSecret, region: 'us-west-2' }), s.id);
    assert.equal(t.secrets.values.get(SecretKeys.secretAccessKey(s.id)), newSecret);
    assert.equal(t.sts.calls.length, 2, 'a new secret discards the cached token');
  });

  it('delete stops the session and removes every secret it stored, and its local data (console profile)', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', userForm({ mfaSerial: '' }));
    await t.service.lifecycle.start(s.id);
    await t.service.editor.delete(s.id);
    assert.deepEqual(t.forgotten, [s.id]);
    assert.equal(t.secrets.values.size, 0);
    assert.equal(t.delivery.profiles.size, 0);
    assert.deepEqual((await t.state.read()).sessions, []);
  });

  it('missing secrets give an error that says how to fix it', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', userForm({ mfaSerial: '' }));
    await t.secrets.delete(SecretKeys.secretAccessKey(s.id));
    await assert.rejects(t.service.lifecycle.start(s.id), (e: unknown) => e instanceof SessionError && /^Session "alice": its access key is missing.*Edit the session/.test(e.full));
  });
});
