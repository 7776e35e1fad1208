import { strict as assert } from 'node:assert';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { rotateAccessKey, type RotationDeps } from '../../../src/core/accessKeyRotation';
import { AwsCallError } from '../../../src/core/aws/awsErrors';
import { SdkIamGateway } from '../../../src/core/aws/iam';
import { SdkStsGateway, type StsGateway } from '../../../src/core/aws/sts';
import { SecretKeys } from '../../../src/core/constants';
import { SessionError } from '../../../src/core/errors';
import { readLongTermKey } from '../../../src/core/longTermKeys';
import type { Session } from '../../../src/core/model';
import { SessionService } from '../../../src/core/sessionService';
import { startLocalAws, type LocalAws } from '../../double';
import { FakeClock, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

describe('Rotate Access Key against the local AWS double (IAM and STS under SigV4)', () => {
  let aws: LocalAws;
  beforeEach(async () => {
    aws = await startLocalAws({ sso: false });
  });
  afterEach(() => aws.close());

  async function setup(user: 'alice' | 'bob' = 'bob') {
    const secrets = new MemorySecretVault();
    const logger = new RecordingLogger();
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const iam = new SdkIamGateway({ endpoint: () => aws.endpoint });
    const u = aws.user(user);
    const prompter = new ScriptedPrompter(u.mfaSerial ? [aws.mfaCode(u.mfaSerial), aws.mfaCode(u.mfaSerial)] : []);
    const state = new MemoryStateStore();
    const delivery = new MemoryDelivery();
    const service = new SessionService({ state, secrets, sts, prompter, clock: new FakeClock(Date.now()), logger, delivery });
    const session = await service.editor.save('iamUser', { alias: user, profile: user, region: 'eu-west-1', accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, mfaSerial: u.mfaSerial ?? '' });
    const deps: RotationDeps = { secrets, iam, sts, logger, verifyDelayMs: 0 };
    return { secrets, logger, service, session, deps, delivery, oldKeyId: u.accessKeyId, userName: user };
  }
  const keysAtAws = (user: string) => aws.state.accessKeysOf(user).map((k) => k.accessKeyId);
  const calls = (action: string) => aws.state.callLog().filter((c) => c.action === action);
  async function rejection(p: Promise<unknown>): Promise<SessionError> {
    try {
      await p;
    } catch (error) {
      assert.ok(error instanceof SessionError, String(error));
      return error;
    }
    throw new Error('expected the rotation to stop');
  }

  it('creates, verifies, stores and deletes in that order; an active MFA session keeps working without a restart', async () => {
    const t = await setup('alice');
    await t.service.lifecycle.start(t.session.id);
    const delivered = [...t.delivery.profiles.values()][0]?.credentials;
    assert.ok(delivered?.sessionToken, 'the started session delivered a session token (MFA)');

    const result = await rotateAccessKey(t.session, t.deps);
    assert.equal(result.oldAccessKeyId, t.oldKeyId);
    assert.ok(result.oldKeyDeleted);
    assert.deepEqual(keysAtAws('alice'), [result.newAccessKeyId], 'only the new key is left at IAM');
    assert.equal((await readLongTermKey(t.secrets, t.session.id))?.accessKeyId, result.newAccessKeyId);
    assert.equal(await t.secrets.get(SecretKeys.pendingAccessKey(t.session.id)), undefined, 'no pending key left');
    assert.equal(result.steps.length, 4, result.steps.join(' | '));
    assert.match(result.steps.join('\n'), /Created access key AKIA\w+\nVerified the new key with STS: arn:aws:iam::111111111111:user\/alice\nStored the new key in secret storage\nDeleted the old key AKIA/);
    const order = aws.state.callLog().map((c) => c.action).filter((a) => a !== 'GetSessionToken');
    assert.deepEqual(order, ['ListAccessKeys', 'CreateAccessKey', 'GetCallerIdentity', 'DeleteAccessKey']);
    assert.equal(calls('DeleteAccessKey')[0].accessKeyId, result.newAccessKeyId, 'the old key is deleted with the new one');

    // The session token derived from the old key (with MFA) still signs after the old key is gone.
    const client = new STSClient({ region: 'eu-west-1', endpoint: aws.endpoint, credentials: delivered!, maxAttempts: 1 });
    try {
      const out = await client.send(new GetCallerIdentityCommand({}));
      assert.equal(out.Arn, 'arn:aws:iam::111111111111:user/alice');
    } finally {
      client.destroy();
    }
    // The next token is signed with the new key.
    await t.secrets.delete(SecretKeys.cachedSessionCredentials(t.session.id));
    await t.service.lifecycle.stop(t.session.id);
    await t.service.lifecycle.start(t.session.id);
    assert.equal(calls('GetSessionToken').at(-1)?.accessKeyId, result.newAccessKeyId);
    assert.ok(!t.logger.lines.some((l) => l.includes(aws.user('alice').secretAccessKey)), 'no secret in the log');
  });

  it('at the two-keys limit changes nothing and names the key to delete', async () => {
    const t = await setup();
    const other = { accessKeyId: 'AKIAOTHERKEY00000001', secretAccessKey: 'x'.repeat(40), status: 'Active' as const, createdMs: Date.now() };
    aws.state.accessKeysOf('bob').push(other);
    const error = await rejection(rotateAccessKey(t.session, t.deps));
    assert.match(error.message, /already has two access keys/);
    assert.match(error.fix ?? '', /Delete AKIAOTHERKEY00000001 .*aws iam delete-access-key --access-key-id AKIAOTHERKEY00000001/);
    assert.equal(calls('CreateAccessKey').length, 0);
    assert.equal((await readLongTermKey(t.secrets, t.session.id))?.accessKeyId, t.oldKeyId);
  });

  it('waits for the new key to propagate, and when it never works deletes it again and keeps the old key', async () => {
    const t = await setup();
    const real = t.deps.sts;
    let refusals = 2;
    const propagating: StsGateway = Object.assign(Object.create(real) as StsGateway, {
      getCallerIdentity: async (r: Parameters<StsGateway['getCallerIdentity']>[0]) => {
        if (refusals-- > 0) throw new AwsCallError('STS GetCallerIdentity failed: InvalidClientTokenId.', 'InvalidClientTokenId', undefined, false, 403);
        return real.getCallerIdentity(r);
      },
    });
    const ok = await rotateAccessKey(t.session, { ...t.deps, sts: propagating });
    assert.ok(ok.oldKeyDeleted, 'verified after two refusals');

    refusals = 100;
    const before = (await readLongTermKey(t.secrets, t.session.id))?.accessKeyId;
    const error = await rejection(rotateAccessKey(t.session, { ...t.deps, sts: propagating, verifyAttempts: 3 }));
    assert.match(error.message, /verifying the new key with STS failed .*The session still uses AKIA\w+; the new key AKIA\w+ was deleted again/);
    assert.deepEqual(keysAtAws('bob'), [before], 'only the key in use is left');
    assert.equal((await readLongTermKey(t.secrets, t.session.id))?.accessKeyId, before);
  });

  it('when secret storage refuses the new key, deletes it again and keeps the old one', async () => {
    const t = await setup();
    const store = t.secrets.store.bind(t.secrets);
    t.secrets.store = async (key, value) => {
      if (key === SecretKeys.pendingAccessKey(t.session.id)) throw new Error('keyring locked');
      return store(key, value);
    };
    const error = await rejection(rotateAccessKey(t.session, t.deps));
    assert.match(error.message, /storing the new key in secret storage failed \(keyring locked\)/);
    assert.deepEqual(keysAtAws('bob'), [t.oldKeyId]);
    assert.equal((await readLongTermKey(t.secrets, t.session.id))?.accessKeyId, t.oldKeyId);
  });

  it('when the old key cannot be deleted, keeps the new one and names the old key to delete by hand', async () => {
    const t = await setup();
    aws.state.addFault({ action: 'DeleteAccessKey', kind: '5xx', count: 3 });
    const result = await rotateAccessKey(t.session, t.deps);
    assert.equal(result.oldKeyDeleted, false);
    assert.match(result.warning ?? '', new RegExp(`old key ${t.oldKeyId} could not be deleted.*aws iam delete-access-key --access-key-id ${t.oldKeyId}`));
    assert.equal((await readLongTermKey(t.secrets, t.session.id))?.accessKeyId, result.newAccessKeyId);
    assert.deepEqual(keysAtAws('bob'), [t.oldKeyId, result.newAccessKeyId]);
  });

  it('a crash between the two vault writes: the pending key is used, and rotating again finishes without a third key', async () => {
    const t = await setup();
    const store = t.secrets.store.bind(t.secrets);
    let crashed = false;
    t.secrets.store = async (key, value) => {
      if (key === SecretKeys.secretAccessKey(t.session.id) && !crashed) {
        crashed = true;
        throw new Error('killed');
      }
      return store(key, value);
    };
    await rejection(rotateAccessKey(t.session, t.deps));
    const pending = await readLongTermKey(t.secrets, t.session.id);
    assert.notEqual(pending?.accessKeyId, t.oldKeyId, 'the new key is in use');
    assert.notEqual(await t.secrets.get(SecretKeys.accessKeyId(t.session.id)), await t.secrets.get(SecretKeys.pendingAccessKey(t.session.id)));
    await t.service.lifecycle.start(t.session.id);
    assert.equal(calls('GetSessionToken').at(-1)?.accessKeyId, pending?.accessKeyId, 'the session starts with the pending key');

    const creates = calls('CreateAccessKey').length;
    const result = await rotateAccessKey(t.session, t.deps);
    assert.equal(calls('CreateAccessKey').length, creates, 'no new key');
    assert.equal(result.newAccessKeyId, pending?.accessKeyId);
    assert.deepEqual(keysAtAws('bob'), [pending?.accessKeyId]);
    assert.equal(await t.secrets.get(SecretKeys.accessKeyId(t.session.id)), pending?.accessKeyId);
    assert.equal(await t.secrets.get(SecretKeys.pendingAccessKey(t.session.id)), undefined);
  });

  it('an old key already deleted elsewhere (NoSuchEntity) counts as deleted', async () => {
    const t = await setup();
    const real = t.deps.iam;
    const result = await rotateAccessKey(t.session, {
      ...t.deps,
      iam: {
        listAccessKeys: (r) => real.listAccessKeys(r),
        createAccessKey: (r) => real.createAccessKey(r),
        deleteAccessKey: async (r) => {
          await real.deleteAccessKey(r);
          return real.deleteAccessKey(r);
        },
      },
    });
    assert.ok(result.oldKeyDeleted, result.warning);
  });

  it('refuses a session type without a key of its own', async () => {
    const t = await setup();
    const role = { ...t.session, kind: 'iamRoleChained', roleArn: 'arn:aws:iam::111111111111:role/Dev', assumerSessionId: t.session.id } as unknown as Session;
    const error = await rejection(rotateAccessKey(role, t.deps));
    assert.match(error.message, /no access key of its own/);
  });
});

describe('access key age reminder (awsSessions.accessKeyMaxAgeDays)', () => {
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws({ sso: false });
  });
  after(() => aws.close());

  it('names keys older than the setting, asks IAM at most once a day per session, and nothing when off', async () => {
    const { AccessKeys, agedKeyMessage } = await import('../../../src/core/accessKeys');
    const state = new MemoryStateStore();
    const secrets = new MemorySecretVault();
    const clock = new FakeClock(Date.now());
    const logger = new RecordingLogger();
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const service = new SessionService({ state, secrets, sts, prompter: new ScriptedPrompter(), clock, logger, delivery: new MemoryDelivery() });
    const bob = aws.user('bob');
    const session = await service.editor.save('iamUser', { alias: 'bob', profile: 'bob', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const times = new Map<string, number>();
    const keys = new AccessKeys({ state, secrets, sts, iam: new SdkIamGateway({ endpoint: () => aws.endpoint }), clock, logger, checks: { get: (id) => times.get(id), set: async (id, at) => void times.set(id, at) } });
    const lists = () => aws.state.callLog().filter((c) => c.action === 'ListAccessKeys').length;
    const DAY = 24 * 3600 * 1000;

    assert.deepEqual(await keys.staleKeys(0), []);
    assert.equal(lists(), 0, 'off: IAM is not asked');
    aws.state.setAccessKeyCreated(bob.accessKeyId, Date.now() - 100 * DAY);
    const stale = await keys.staleKeys(90);
    assert.deepEqual(stale, [{ sessionId: session.id, alias: 'bob', accessKeyId: bob.accessKeyId, ageDays: 100 }]);
    assert.match(agedKeyMessage(stale[0], 90), /Session "bob": its access key AKIA\w+ is 100 days old/);
    assert.equal(lists(), 1);
    clock.time += DAY - 60_000;
    assert.deepEqual(await keys.staleKeys(90), [], 'asked less than a day ago');
    assert.equal(lists(), 1);
    clock.time += 120_000;
    assert.equal((await keys.staleKeys(90)).length, 1, 'a day later it is asked again');
    assert.equal(lists(), 2);
    clock.time += 2 * DAY;
    assert.deepEqual(await keys.staleKeys(200), [], 'younger than the setting');
  });
});
