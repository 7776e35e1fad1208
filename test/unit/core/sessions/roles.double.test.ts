/** Chained and federated sessions through the real SDK against the local AWS double (SigV4, signed SAML). */
import assert from 'node:assert/strict';
import { SessionService } from '../../../../src/core/sessionService';
import { SdkStsGateway } from '../../../../src/core/aws/sts';
import { AWS_SAML_SIGNIN_URLS } from '../../../../src/core/constants';
import { SessionError } from '../../../../src/core/errors';
import type { SamlCapture } from '../../../../src/core/saml/capture';
import { buildSamlAssertion, signAssertion, startLocalAws, type LocalAws } from '../../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { systemClock } from '../../../../src/core/ports';

const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

describe('role sessions against the local AWS double', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws({ samlSignatureRequired: true });
  });
  after(() => aws.close());

  function setup(assertion: () => string) {
    const captured: string[] = [];
    const saml: SamlCapture = {
      signInUrls: AWS_SAML_SIGNIN_URLS,
      async capture(r) {
        captured.push(r.sessionAlias);
        return assertion();
      },
    };
    const delivery = new MemoryDelivery();
    const prompter = new ScriptedPrompter([]);
    const service = new SessionService({
      state: new MemoryStateStore(),
      secrets: new MemorySecretVault(),
      sts: new SdkStsGateway({ endpoint: () => aws.endpoint }),
      prompter,
      clock: systemClock,
      logger: new RecordingLogger(),
      delivery,
      saml,
    });
    return { service, delivery, captured, prompter };
  }
  const signed = (roles = [{ roleArn: ROLE, principalArn: PROVIDER }]) => () =>
    buildSamlAssertion({ roles, subject: 'jane@example.com', sign: (x, id) => signAssertion(x, id, aws.idpKeys) });

  it('chained from chained from federated: each hop is the assumed role of the one below', async () => {
    const t = setup(signed());
    const fed = await t.service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER });
    const c1 = await t.service.editor.save('iamRoleChained', { alias: 'c1', profile: 'c1', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/One', assumerSessionId: fed.id });
    const c2 = await t.service.editor.save('iamRoleChained', { alias: 'c2', profile: 'c2', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Two', roleSessionName: 'two@x', assumerSessionId: c1.id });
    const result = await t.service.editor.testCredentials('iamRoleChained', { alias: 'c2', profile: 'c2', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Two', roleSessionName: 'two@x', assumerSessionId: c1.id }, c2.id);
    assert.equal(result.arn, 'arn:aws:sts::111111111111:assumed-role/Two/two@x');
    await t.service.lifecycle.start(c2.id);
    assert.deepEqual(t.captured, ['fed'], "the chain reuses the federated session's last sign-in (cached in the vault) while it stays valid");
    const who = await new SdkStsGateway({ endpoint: () => aws.endpoint }).getCallerIdentity({ credentials: t.delivery.profiles.get('c2')!.credentials, region: 'eu-west-1' });
    assert.equal(who.arn, 'arn:aws:sts::111111111111:assumed-role/Two/two@x');
    const fedWho = await t.service.editor.testCredentials('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER }, fed.id);
    assert.equal(fedWho.arn, 'arn:aws:sts::111111111111:assumed-role/SamlDev/jane@example.com');
  });

  it('chains on a federated session share its last sign-in; its own refresh signs in again', async () => {
    const t = setup(signed());
    const fed = await t.service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER });
    const a = await t.service.editor.save('iamRoleChained', { alias: 'a', profile: 'a', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/One', assumerSessionId: fed.id });
    const b = await t.service.editor.save('iamRoleChained', { alias: 'b', profile: 'b', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Two', assumerSessionId: fed.id });
    await t.service.lifecycle.start(fed.id);
    await t.service.lifecycle.start(a.id);
    await t.service.lifecycle.start(b.id);
    assert.deepEqual(t.captured, ['fed'], 'one IdP sign-in for the session and both chains');
    const before = t.delivery.profiles.get('fed')!.credentials.accessKeyId;
    await t.service.lifecycle.refresh(fed.id);
    assert.deepEqual(t.captured, ['fed', 'fed'], 'a refresh needs more validity than the cache has: a new sign-in');
    assert.notEqual(t.delivery.profiles.get('fed')!.credentials.accessKeyId, before);
  });

  it('a chained test run of an unsaved form reports the caller ARN without saving or delivering', async () => {
    const bob = aws.user('bob');
    const t = setup(signed());
    const u = await t.service.editor.save('iamUser', { alias: 'bob', profile: 'default', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const r = await t.service.editor.testCredentials('iamRoleChained', { alias: 'new', profile: 'x', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/Ops', assumerSessionId: u.id });
    assert.equal(r.arn, 'arn:aws:sts::111111111111:assumed-role/Ops/aws-sessions-new');
    assert.equal((await t.service.state.read()).sessions.length, 1);
    assert.equal(t.delivery.log.length, 0);
    await assert.rejects(
      t.service.editor.testCredentials('iamRoleChained', { alias: 'new', profile: 'x', region: 'us-east-1', roleArn: 'arn:aws:iam::999999999999:role/Ops', assumerSessionId: u.id }),
      (e: unknown) => e instanceof SessionError && /^Session "new": STS AssumeRole failed: AccessDenied/.test(e.message),
    );
  });

  it('an IAM User test run uses the typed keys, not stored ones, and a wrong secret says so', async () => {
    const bob = aws.user('bob');
    const t = setup(signed());
    const r = await t.service.editor.testCredentials('iamUser', { alias: 'b', profile: 'default', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    assert.equal(r.arn, bob.arn);
    await assert.rejects(
      t.service.editor.testCredentials('iamUser', { alias: 'b', profile: 'default', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: 'x'.repeat(40), mfaSerial: '' }),
      /SignatureDoesNotMatch/,
    );
  });

  it('a federated session whose assertion lacks the role fails before calling AWS, in the article\'s words', async () => {
    const t = setup(signed([{ roleArn: 'arn:aws:iam::111111111111:role/Other', principalArn: PROVIDER }]));
    const fed = await t.service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER });
    const calls = () => aws.state.callLog().filter((c) => c.action === 'AssumeRoleWithSAML').length;
    const before = calls();
    await assert.rejects(t.service.lifecycle.start(fed.id), (e: unknown) => e instanceof SessionError && /did not contain a valid SAML assertion: the configured role .*SamlDev.* is not among the roles the IdP offers: .*role\/Other/.test(e.message));
    assert.equal(calls(), before, 'AWS is not called with an assertion that would be refused');
  });

  it('the double refuses a tampered signed assertion and an unsigned one', async () => {
    const t = setup(() => {
      const xml = Buffer.from(signed()(), 'base64').toString('utf8').replace('jane@example.com', 'mallory@example.com');
      return Buffer.from(xml).toString('base64');
    });
    const fed = await t.service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl: 'https://idp.example.com/sso', samlProviderArn: PROVIDER });
    await assert.rejects(t.service.lifecycle.start(fed.id), /AssumeRoleWithSAML failed: InvalidIdentityToken(?:Exception)? \(Invalid SAML assertion: the signature does not match/);
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    await assert.rejects(
      sts.assumeRoleWithSaml({ region: 'eu-west-1', roleArn: ROLE, principalArn: PROVIDER, samlAssertion: buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }] }) }),
      /not signed/,
    );
  });
});
