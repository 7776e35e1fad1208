/**
 * Issue 8, item 3: faults injected by the local AWS double (`/_double/faults`, `/_double/clock-skew`),
 * met by the session service through the real SDK gateway and the real credentials-file delivery.
 * Every failure names the session and the cause, only safe calls are retried (the double's call log
 * counts the attempts), no session, secret or file byte is lost, and rotation recovers by itself.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SessionService } from '../../../src/core/sessionService';
import { SdkStsGateway } from '../../../src/core/aws/sts';
import { describeAwsError } from '../../../src/core/aws/awsErrors';
import { SecretKeys } from '../../../src/core/constants';
import { SessionError } from '../../../src/core/errors';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { fileLock } from '../../../src/core/fileLock';
import { RotationScheduler } from '../../../src/core/rotation';
import type { Prompter } from '../../../src/core/ports';
import { startLocalAws, type LocalAws } from '../../double';
import { FakeClock, MemorySecretVault, MemoryStateStore, RecordingLogger } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const FOREIGN = '# mine\n[prod]\naws_access_key_id = AKIAFOREIGN000000001\naws_secret_access_key = foreignSecretValue0000000000000000000000\n';

describe('faults from the local AWS double, through the session service and the real SDK', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let dir: string;
  before(async () => {
    aws = await startLocalAws();
  });
  after(() => aws.close());
  beforeEach(async () => {
    await control('reset', {});
    dir = tempDir('faults-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function control(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${aws.endpoint}/_double/${path}`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 200, `POST /_double/${path}`);
    return res.json();
  }
  const fault = (action: string, kind: string, count = 1, extra: Record<string, unknown> = {}) => control('faults', { action, kind, count, ...extra });
  const calls = (action: string) => aws.state.callLog().filter((c) => c.action === action);

  /** A prompter that reads the current code from the double (or a fixed wrong one). */
  class DoubleMfa implements Prompter {
    asked = 0;
    wrong = false;
    async askMfaCode(r: { mfaSerial: string }) {
      this.asked++;
      return this.wrong ? (aws.mfaCode(r.mfaSerial) === '000000' ? '111111' : '000000') : aws.mfaCode(r.mfaSerial);
    }
  }

  function setup(options: { requestTimeoutMs?: number; clock?: FakeClock } = {}) {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), FOREIGN);
    const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(dir, 'aws.lock')) });
    const secrets = new MemorySecretVault();
    const state = new MemoryStateStore();
    const prompter = new DoubleMfa();
    const logger = new RecordingLogger();
    const service = new SessionService({
      state,
      secrets,
      sts: new SdkStsGateway({ endpoint: () => aws.endpoint, requestTimeoutMs: options.requestTimeoutMs }),
      prompter,
      clock: options.clock ?? { now: () => Date.now() },
      logger,
      delivery: new CredentialsFileDelivery(files),
    });
    const credentialsText = () => readFileSync(files.credentialsPath, 'utf8');
    return { service, secrets, state, prompter, logger, files, credentialsText };
  }

  async function saveUser(t: ReturnType<typeof setup>, name: 'alice' | 'bob', alias = name) {
    const u = aws.user(name);
    const session = await t.service.editor.save('iamUser', { alias, profile: alias, region: 'eu-west-1', accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, mfaSerial: u.mfaSerial ?? '' });
    return { session, user: u };
  }

  /** The failure names the session and the cause; session, long-term secrets and foreign bytes survive. */
  async function expectCleanFailure(t: ReturnType<typeof setup>, run: Promise<unknown>, alias: string, cause: RegExp, secretsOf: { id: string; accessKeyId: string; secretAccessKey: string }) {
    const before = t.credentialsText();
    let caught: unknown;
    await run.catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof SessionError, `a SessionError, got ${String(caught)}`);
    assert.ok(caught.message.startsWith(`Session "${alias}": `), caught.message);
    assert.match(caught.full, cause);
    assert.ok(!caught.full.includes(secretsOf.secretAccessKey), 'no secret in the message');
    const state = await t.service.state.read();
    assert.ok(state.sessions.some((s) => s.id === secretsOf.id), 'the session is kept');
    assert.equal(await t.secrets.get(SecretKeys.accessKeyId(secretsOf.id)), secretsOf.accessKeyId);
    assert.equal(await t.secrets.get(SecretKeys.secretAccessKey(secretsOf.id)), secretsOf.secretAccessKey);
    assert.equal(t.credentialsText(), before, 'no partial delivery');
    assert.ok(t.credentialsText().startsWith(FOREIGN));
    if (process.env.FAULTS_ECHO === '1') console.log(`      → ${caught.full}`);
    return caught;
  }

  it('one 5xx and one 429 are retried by the SDK and the start succeeds; persistent ones fail once with the cause and fix', async () => {
    const t = setup();
    const { session, user } = await saveUser(t, 'bob');
    await fault('GetSessionToken', '5xx', 1);
    await fault('GetSessionToken', 'throttle', 1);
    await t.service.lifecycle.start(session.id);
    assert.equal(calls('GetSessionToken').length, 3, 'two failed attempts, then success');
    assert.match(t.credentialsText(), /\[bob\]\naws_access_key_id = ASIA/);
    await t.service.lifecycle.stop(session.id);
    assert.equal(t.credentialsText(), FOREIGN);

    await t.secrets.delete(SecretKeys.cachedSessionCredentials(session.id));
    const n = calls('GetSessionToken').length;
    await fault('GetSessionToken', '5xx', 3, { status: 503 });
    const e = await expectCleanFailure(t, t.service.lifecycle.start(session.id), 'bob', /ServiceUnavailable.*try again shortly/, { id: session.id, ...user });
    assert.equal(calls('GetSessionToken').length - n, 3, 'at most 3 attempts (SDK standard retry)');
    assert.equal((await t.service.state.read()).active[session.id]?.status, 'error');
    assert.equal((e as SessionError).code, 'ServiceUnavailable');

    await fault('GetSessionToken', 'throttle', 3);
    await expectCleanFailure(t, t.service.lifecycle.start(session.id), 'bob', /Throttling.*wait a moment/, { id: session.id, ...user });
    await t.service.lifecycle.start(session.id);
    assert.equal((await t.service.state.read()).active[session.id]?.status, 'active', 'works once the fault ends');
    await t.service.lifecycle.stop(session.id);
  });

  it('a timeout is retried, and an endpoint that never answers in time is named with the fix', async () => {
    const t = setup({ requestTimeoutMs: 400 });
    const { session, user } = await saveUser(t, 'bob');
    await fault('GetSessionToken', 'latency', 1, { latencyMs: 1500 });
    await t.service.lifecycle.start(session.id);
    assert.equal((await t.service.state.read()).active[session.id]?.status, 'active');
    await t.service.lifecycle.stop(session.id);
    await t.secrets.delete(SecretKeys.cachedSessionCredentials(session.id));
    await fault('GetSessionToken', 'latency', 3, { latencyMs: 1500 });
    await expectCleanFailure(t, t.service.lifecycle.start(session.id), 'bob', /could not reach http:\/\/127\.0\.0\.1:\d+ \(ETIMEDOUT\)\. Check that the endpoint is running/, { id: session.id, ...user });
    // The double answers the abandoned requests late; let them land before the next test counts calls.
    await new Promise((r) => setTimeout(r, 1600));
  });

  it('a malformed (cut) XML answer fails with the operation named and is not trusted', async () => {
    const t = setup();
    const { session, user } = await saveUser(t, 'bob');
    await fault('GetSessionToken', 'malformed', 3);
    const n = calls('GetSessionToken').length;
    await expectCleanFailure(t, t.service.lifecycle.start(session.id), 'bob', /STS GetSessionToken failed/, { id: session.id, ...user });
    assert.equal(calls('GetSessionToken').length - n, 1, 'a 200 whose body cannot be parsed is not re-sent');
    assert.equal(await t.secrets.get(SecretKeys.cachedSessionCredentials(session.id)), undefined, 'nothing half-parsed is cached');
  });

  it('a wrong MFA code is not retried, asks once, and the next start with a good code works', async () => {
    const t = setup();
    const { session, user } = await saveUser(t, 'alice');
    t.prompter.wrong = true;
    const n = calls('GetSessionToken').length;
    await expectCleanFailure(t, t.service.lifecycle.start(session.id), 'alice', /AccessDenied.*MFA code was refused/, { id: session.id, ...user });
    assert.equal(calls('GetSessionToken').length - n, 1, 'a refused MFA code is never re-sent');
    assert.equal(t.prompter.asked, 1);
    t.prompter.wrong = false;
    await t.service.lifecycle.start(session.id);
    assert.equal((await t.service.state.read()).active[session.id]?.status, 'active');
    await t.service.lifecycle.stop(session.id);
  });

  it('an assumer token refused as expired is dropped and replaced once; refused twice, the message says to start again', async () => {
    const t = setup();
    const { session: bob, user } = await saveUser(t, 'bob');
    const chained = await t.service.editor.save('iamRoleChained', { alias: 'ops', profile: 'ops', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Ops', assumerSessionId: bob.id });
    await t.service.lifecycle.start(chained.id);
    await t.service.lifecycle.stop(chained.id);
    const [gst, ar] = [calls('GetSessionToken').length, calls('AssumeRole').length];
    await fault('AssumeRole', 'expired-token', 1);
    await t.service.lifecycle.start(chained.id);
    assert.equal((await t.service.state.read()).active[chained.id]?.status, 'active');
    assert.equal(calls('AssumeRole').length - ar, 2, 'refused once, then once more with fresh assumer credentials');
    assert.equal(calls('GetSessionToken').length - gst, 1, 'the refused cached token was replaced');
    await t.service.lifecycle.stop(chained.id);
    await fault('AssumeRole', 'expired-token', 2);
    await expectCleanFailure(t, t.service.lifecycle.start(chained.id), 'ops', /ExpiredToken.*start the session again/, { id: bob.id, ...user });
    assert.equal(calls('AssumeRole').length - ar, 4, 'an auth failure is never retried by the SDK');
  });

  it('a revoked cached session token is not reused: the next start asks STS again', async () => {
    const t = setup();
    const { session: bob, user } = await saveUser(t, 'bob');
    const chained = await t.service.editor.save('iamRoleChained', { alias: 'ops', profile: 'ops', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Ops', assumerSessionId: bob.id });
    await t.service.lifecycle.start(chained.id);
    await t.service.lifecycle.stop(chained.id);
    assert.ok(await t.secrets.get(SecretKeys.cachedSessionCredentials(bob.id)), 'bob\'s session token is cached');
    await control('reset', { credentials: true }); // the double forgets every issued credential: revoked
    const n = calls('GetSessionToken').length;
    await t.service.lifecycle.start(chained.id); // refused once (InvalidClientTokenId), then a fresh token: no error
    assert.match(t.logger.lines.join('\n'), /AWS refused its assumer's credentials \(InvalidClientTokenId\)/);
    assert.equal(calls('GetSessionToken').length - n, 1, 'a fresh session token was asked for');
    assert.equal((await t.service.state.read()).active[chained.id]?.status, 'active');
    assert.equal(await t.secrets.get(SecretKeys.secretAccessKey(bob.id)), user.secretAccessKey);
    await t.service.lifecycle.stop(chained.id);
  });

  it('clock skew: the double 20 minutes ahead refuses the signature once; the SDK corrects its clock from the Date header', async () => {
    const t = setup();
    const { session } = await saveUser(t, 'bob');
    await control('clock-skew', { seconds: 20 * 60 });
    const n = calls('GetSessionToken').length;
    await t.service.lifecycle.start(session.id);
    const attempts = calls('GetSessionToken').slice(n);
    assert.deepEqual(attempts.map((c) => c.errorCode ?? c.status), ['SignatureDoesNotMatch', 200]);
    assert.equal((await t.service.state.read()).active[session.id]?.status, 'active');
    await t.service.lifecycle.stop(session.id);
    // Where no correction is possible, the refusal is explained as the clock, not as a wrong secret.
    const explained = describeAwsError({ name: 'SignatureDoesNotMatch', message: 'Signature expired: 20261122T100000Z is now earlier than 20261122T101500Z', $metadata: { httpStatusCode: 403 } }, { service: 'STS', action: 'GetSessionToken', region: 'eu-west-1' });
    assert.match(explained.fix ?? '', /clock is off/);
    assert.equal(explained.retryable, false);
  });

  it('rotation: failing refreshes back off and tell the user once; it recovers by itself when the fault ends', async () => {
    const clock = new FakeClock(Date.now());
    const t = setup({ clock });
    await control('config', { credentialSeconds: 900 });
    const { session } = await saveUser(t, 'bob');
    await t.service.lifecycle.start(session.id);
    const keyId = () => /\[bob\]\naws_access_key_id = (ASIA\w+)/.exec(t.credentialsText())?.[1];
    const firstKey = keyId();
    assert.ok(firstKey);
    const notices: string[] = [];
    const rotation = new RotationScheduler({ service: t.service, clock, logger: t.logger, notify: (m) => notices.push(m), random: () => 1, backoffBaseMs: 10_000 });
    clock.advance(13 * 60_000); // past the refresh margin (5 min before expiry)
    await fault('GetSessionToken', '5xx', 6);
    await rotation.tick();
    assert.equal(notices.length, 1, 'told once');
    assert.match(notices[0], /Session "bob": could not refresh its credentials \(STS GetSessionToken failed: InternalFailure/);
    clock.advance(10_001);
    await rotation.tick();
    assert.equal(notices.length, 1, 'not told again during the same streak');
    assert.match(t.logger.lines.join('\n'), /refresh failed \(try 2\)/);
    clock.advance(20_001);
    await rotation.tick(); // the double's faults are used up: this refresh works
    const after = (await t.service.state.read()).active[session.id];
    assert.equal(after.status, 'active');
    assert.ok(keyId() && keyId() !== firstKey, 'new credentials delivered to the file');
    assert.match(t.logger.lines.join('\n'), /refreshed after 2 failed tries/);
    assert.equal(calls('GetSessionToken').filter((c) => c.status === 200).length >= 2, true);
    rotation.dispose();
    await t.service.lifecycle.stop(session.id);
    assert.equal(t.credentialsText(), FOREIGN);
  });
});
