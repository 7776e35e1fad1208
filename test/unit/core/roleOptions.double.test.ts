/**
 * Role options (ExternalId, DurationSeconds, SourceIdentity, role session name): each field's rule, the
 * save-time checks, and what the user reads when the AWS double refuses a call as STS does.
 */
import assert from 'node:assert/strict';
import { SessionService } from '../../../src/core/sessionService';
import { SdkStsGateway } from '../../../src/core/aws/sts';
import { SessionError, ValidationError } from '../../../src/core/errors';
import { rules } from '../../../src/core/validation';
import { checkSession } from '../../../src/core/stateSchema';
import { sessionType } from '../../../src/core/sessions/registry';
import { buildSamlAssertion, signAssertion, startLocalAws, type LocalAws } from '../../double';
import { AWS_SAML_SIGNIN_URLS } from '../../../src/core/constants';
import type { SamlCapture } from '../../../src/core/saml/capture';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';
import { systemClock } from '../../../src/core/ports';

const CLIENT_ROLE = 'arn:aws:iam::111111111111:role/ClientAudit';

describe('role option rules', () => {
  it('ExternalId: empty, or 2–1224 of [\\w+=,.@:/-]', () => {
    for (const ok of ['', 'ab', 'client-7f3a:prod/eu', 'x'.repeat(1224)]) assert.equal(rules.externalId(ok), undefined, ok);
    assert.match(rules.externalId('a')!, /2 to 1224 characters/);
    assert.match(rules.externalId('x'.repeat(1225))!, /2 to 1224 characters/);
    assert.match(rules.externalId('has space')!, /only letters, digits and \+ = , \. @ : \/ _ -/);
  });

  it('DurationSeconds: empty (1 hour), or a whole number from 900 to 43200', () => {
    for (const ok of ['', '900', '3600', '43200']) assert.equal(rules.durationSeconds(ok), undefined, ok);
    assert.match(rules.durationSeconds('899')!, /at least 900 seconds \(15 minutes\)/);
    assert.match(rules.durationSeconds('43201')!, /at most 43200 seconds \(12 hours\)/);
    for (const bad of ['1h', '3600.5', '-900']) assert.match(rules.durationSeconds(bad)!, /a whole number of seconds/, bad);
  });

  it('SourceIdentity: empty, or 2–64 of [\\w+=,.@-] (so never aws:…)', () => {
    for (const ok of ['', 'al', 'alice@example.com', 'x'.repeat(64)]) assert.equal(rules.sourceIdentity(ok), undefined, ok);
    assert.match(rules.sourceIdentity('a')!, /2 to 64 characters/);
    assert.match(rules.sourceIdentity('x'.repeat(65))!, /2 to 64 characters/);
    assert.match(rules.sourceIdentity('aws:alice')!, /no spaces or colons/);
  });

  it('RoleSessionName: empty (the default), or 2–64 of [\\w+=,.@-]', () => {
    for (const ok of ['', 'ab', 'me@example.com', 'x'.repeat(64)]) assert.equal(rules.roleSessionName(ok), undefined, ok);
    assert.match(rules.roleSessionName('a')!, /2 to 64 characters/);
    assert.match(rules.roleSessionName('x'.repeat(65))!, /2 to 64 characters/);
    assert.match(rules.roleSessionName('me and you')!, /only letters, digits/);
  });

  it('the fields exist where AWS takes them: chained all three, SAML the duration only, IAM Identity Center none', () => {
    const names = (kind: Parameters<typeof sessionType>[0]) => sessionType(kind).fields.map((f) => f.name);
    for (const f of ['externalId', 'durationSeconds', 'sourceIdentity', 'roleSessionName']) assert.ok(names('iamRoleChained').includes(f), f);
    assert.ok(names('iamRoleFederated').includes('durationSeconds'));
    assert.ok(!names('iamRoleFederated').includes('externalId') && !names('iamRoleFederated').includes('sourceIdentity'));
    assert.ok(!names('awsSso').some((f) => ['externalId', 'durationSeconds', 'sourceIdentity'].includes(f)));
  });

  it('sessions.json entries without the options still load; with them they load as typed', () => {
    const base = { id: 's', kind: 'iamRoleChained', alias: 'a', profileId: 'p', region: 'eu-west-1', roleArn: CLIENT_ROLE, assumerSessionId: 'u' };
    assert.ok(checkSession(base, 'sessions[0]').ok);
    assert.ok(checkSession({ ...base, externalId: 'x1', durationSeconds: 7200, sourceIdentity: 'alice' }, 'sessions[0]').ok);
    const bad = checkSession({ ...base, durationSeconds: '7200' }, 'sessions[0]');
    assert.ok(!bad.ok && /sessions\[0\]\.durationSeconds/.test(bad.reason));
  });
});

describe('role options against the local AWS double', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws();
  });
  afterEach(() => aws.state.reset());
  after(() => aws.close());

  function setup() {
    const logger = new RecordingLogger();
    const service = new SessionService({
      state: new MemoryStateStore(),
      secrets: new MemorySecretVault(),
      sts: new SdkStsGateway({ endpoint: () => aws.endpoint }),
      prompter: new ScriptedPrompter([]),
      clock: systemClock,
      logger,
      delivery: new MemoryDelivery(),
    });
    const bob = aws.user('bob');
    const user = () => service.editor.save('iamUser', { alias: 'bob', profile: 'bob', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const role = (assumerSessionId: string, extra: Record<string, string> = {}, alias = 'client') =>
      service.editor.save('iamRoleChained', { alias, profile: alias, region: 'eu-west-1', roleArn: CLIENT_ROLE, assumerSessionId, ...extra });
    return { service, logger, user, role };
  }

  it('a role requiring an ExternalId: without it the user reads AccessDenied with the trust policy to check; with it the session starts', async () => {
    aws.state.settings.roleExternalIds[CLIENT_ROLE] = 'client-7f3a';
    const t = setup();
    const u = await t.user();
    const missing = await t.role(u.id);
    await assert.rejects(t.service.lifecycle.start(missing.id), (e: unknown) => {
      assert.ok(e instanceof SessionError);
      assert.match(e.full, /^Session "client": STS AssumeRole failed: AccessDenied \(User: arn:aws:iam::111111111111:user\/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role\/ClientAudit\)\. If the role's owner gave you an External ID, add it to the session;/);
      return true;
    });
    const wrong = await t.service.editor.save('iamRoleChained', { ...sessionType('iamRoleChained').toForm(missing), profile: 'client', externalId: 'client-0000' }, missing.id);
    await assert.rejects(t.service.lifecycle.start(wrong.id), (e: unknown) => e instanceof SessionError && /AccessDenied/.test(e.message) && /External ID is exactly the one/.test(e.fix ?? ''));
    const right = await t.service.editor.save('iamRoleChained', { ...sessionType('iamRoleChained').toForm(wrong), profile: 'client', externalId: 'client-7f3a' }, wrong.id);
    await t.service.lifecycle.start(right.id);
    assert.equal((await t.service.state.read()).active[right.id]?.status, 'active');
    const logged = t.logger.lines.join('\n');
    assert.ok(!logged.includes('client-7f3a') && !logged.includes('client-0000'), 'no ExternalId in the log');
  });

  it("a duration above the role's maximum: the error names the session, the duration asked and what to use", async () => {
    aws.state.settings.roleMaxSessionSecondsByArn[CLIENT_ROLE] = 14400;
    const t = setup();
    const u = await t.user();
    const long = await t.role(u.id, { durationSeconds: '28800' });
    await assert.rejects(t.service.lifecycle.start(long.id), (e: unknown) => {
      assert.ok(e instanceof SessionError && e.code === 'DurationTooLong');
      assert.equal(
        e.full,
        'Session "client": AWS refused a session duration of 28800 seconds (8 hours): it is longer than the maximum session duration of arn:aws:iam::111111111111:role/ClientAudit (set by the role\'s owner in IAM, between 1 and 12 hours). ' +
          'Edit the session and set the session duration to at most the role\'s maximum (IAM console → Roles → the role → "Maximum session duration"; 3600 always works), or leave it empty for 1 hour.',
      );
      return true;
    });
    const fits = await t.service.editor.save('iamRoleChained', { ...sessionType('iamRoleChained').toForm(long), profile: 'client', durationSeconds: '14400', sourceIdentity: 'bob@example.com' }, long.id);
    const before = Date.now();
    await t.service.lifecycle.start(fits.id);
    const expiry = Date.parse((await t.service.state.read()).active[fits.id]?.expiration ?? '');
    assert.ok(expiry - before > 3.9 * 3600_000, `the 4-hour duration was granted (${(expiry - before) / 3600_000} h)`);
    const assumeCalls = aws.state.callLog().filter((c) => c.action === 'AssumeRole');
    assert.ok(assumeCalls.length >= 2);
  });

  it('SAML: the duration goes to AssumeRoleWithSAML, and one above the role maximum is explained', async () => {
    const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
    const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';
    aws.state.settings.roleMaxSessionSecondsByArn[ROLE] = 7200;
    const saml: SamlCapture = {
      signInUrls: AWS_SAML_SIGNIN_URLS,
      capture: async () => buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], subject: 'jane@example.com', sign: (x, id) => signAssertion(x, id, aws.idpKeys) }),
    };
    const service = new SessionService({ state: new MemoryStateStore(), secrets: new MemorySecretVault(), sts: new SdkStsGateway({ endpoint: () => aws.endpoint }), prompter: new ScriptedPrompter([]), clock: systemClock, logger: new RecordingLogger(), delivery: new MemoryDelivery(), saml });
    const form = { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER };
    const long = await service.editor.save('iamRoleFederated', { ...form, durationSeconds: '10800' });
    await assert.rejects(service.lifecycle.start(long.id), (e: unknown) => e instanceof SessionError && e.code === 'DurationTooLong' && /^Session "fed": AWS refused a session duration of 10800 seconds \(3 hours\): it is longer than the maximum session duration of arn:aws:iam::111111111111:role\/SamlDev/.test(e.message));
    const fits = await service.editor.save('iamRoleFederated', { ...form, durationSeconds: '7200' }, long.id);
    const before = Date.now();
    await service.lifecycle.start(fits.id);
    const expiry = Date.parse((await service.state.read()).active[fits.id]?.expiration ?? '');
    assert.ok(expiry - before > 1.9 * 3600_000, `2 hours granted (${(expiry - before) / 3600_000} h)`);
  });

  it('role chaining: above 1 hour is refused at save naming the assumer, and explained when AWS refuses it', async () => {
    const t = setup();
    const u = await t.user();
    const first = await t.role(u.id, { durationSeconds: '43200' }, 'first');
    await assert.rejects(t.role(first.id, { durationSeconds: '7200' }, 'second'), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.problems[0]?.field, 'durationSeconds');
      assert.match(e.message, /^Session duration: the assumer "first" has role credentials, and AWS caps a role assumed with another role's credentials \(role chaining\) at 3600 seconds \(1 hour\)/);
      return true;
    });
    // A state written elsewhere (another version, a hand edit) still gets AWS's answer in words.
    const second = await t.role(first.id, { durationSeconds: '3600' }, 'second');
    await t.service.state.update((s) => {
      const entry = s.sessions.find((x) => x.id === second.id);
      if (entry?.kind === 'iamRoleChained') entry.durationSeconds = 7200;
    });
    await assert.rejects(
      t.service.lifecycle.start(second.id),
      (e: unknown) =>
        e instanceof SessionError &&
        e.full ===
          'Session "second": AWS refused a session duration of 7200 seconds (2 hours): a role assumed with another role\'s credentials (role chaining) lasts at most 3600 seconds (1 hour), whatever the role\'s own maximum. Edit the session and set the session duration to 3600 or less (or leave it empty).',
    );
  });
});
