import { strict as assert } from 'node:assert';
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { buildSamlAssertion, startLocalAws, type LocalAws } from '../../double';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

describe('local AWS double: AWS SDK v3 STS client', () => {
  let double: LocalAws;
  const clients: STSClient[] = [];
  beforeEach(async () => {
    double = await startLocalAws();
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await double.close();
  });

  const sts = (credentials: Keys, maxAttempts = 1): STSClient => {
    const client = new STSClient({ region: 'us-east-1', endpoint: double.endpoint, credentials, maxAttempts });
    clients.push(client);
    return client;
  };
  const keysOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Keys => ({
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken,
  });
  async function rejection(p: Promise<unknown>): Promise<STSServiceException> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof STSServiceException, String(err));
      return err;
    }
    throw new Error('expected the call to fail');
  }

  it('gets the caller identity of a seeded user', async () => {
    const out = await sts(double.user('bob')).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, 'arn:aws:iam::111111111111:user/bob');
    assert.equal(out.Account, '111111111111');
  });

  it('gets a session token with MFA, assumes a role with it and sees the role ARN', async () => {
    const alice = double.user('alice');
    const serial = alice.mfaSerial ?? '';
    const session = await sts(alice).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: double.mfaCode(serial), DurationSeconds: 900 }));
    assert.ok(session.Credentials?.Expiration instanceof Date);
    const viaSession = sts(keysOf(session.Credentials));
    assert.equal((await viaSession.send(new GetCallerIdentityCommand({}))).Arn, alice.arn);
    const role = await viaSession.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/Dev', RoleSessionName: 'alice' }));
    assert.equal(role.AssumedRoleUser?.Arn, 'arn:aws:sts::111111111111:assumed-role/Dev/alice');
    const who = await sts(keysOf(role.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:sts::111111111111:assumed-role/Dev/alice');
  });

  it('gets a federation token and assumes a role with SAML (unsigned)', async () => {
    const fed = await sts(double.user('bob')).send(new GetFederationTokenCommand({ Name: 'carol' }));
    assert.equal(fed.FederatedUser?.Arn, 'arn:aws:sts::111111111111:federated-user/carol');
    const roleArn = 'arn:aws:iam::111111111111:role/Saml';
    const principalArn = 'arn:aws:iam::111111111111:saml-provider/Idp';
    const saml = await sts(double.user('bob')).send(
      new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: buildSamlAssertion({ roles: [{ roleArn, principalArn }], subject: 'sam' }) }),
    );
    assert.equal(saml.AssumedRoleUser?.Arn, 'arn:aws:sts::111111111111:assumed-role/Saml/sam');
    assert.equal(saml.SubjectType, 'persistent');
  });

  it('surfaces AWS error codes and statuses', async () => {
    const wrong = await rejection(sts({ ...double.user('bob'), secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})));
    assert.equal(wrong.name, 'SignatureDoesNotMatch');
    assert.equal(wrong.$metadata.httpStatusCode, 403);
    const alice = double.user('alice');
    const mfa = await rejection(sts(alice).send(new GetSessionTokenCommand({ SerialNumber: alice.mfaSerial ?? '', TokenCode: '000000' === double.mfaCode(alice.mfaSerial ?? '') ? '111111' : '000000' })));
    assert.equal(mfa.name, 'AccessDenied');
    assert.equal(mfa.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    const invalid = await rejection(sts(double.user('bob')).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/R', RoleSessionName: 'bad name' })));
    assert.equal(invalid.name, 'ValidationError');
    assert.equal(invalid.$metadata.httpStatusCode, 400);
    double.state.addFault({ action: 'GetCallerIdentity', kind: 'expired-token' });
    const expired = await rejection(sts(double.user('bob')).send(new GetCallerIdentityCommand({})));
    assert.equal(expired.name, 'ExpiredToken');
  });

  it('is retried by the SDK on Throttling and 5xx like real STS', async () => {
    double.state.addFault({ action: 'GetCallerIdentity', kind: 'throttle' });
    double.state.addFault({ action: 'GetCallerIdentity', kind: '5xx', status: 503 });
    const out = await sts(double.user('bob'), 3).send(new GetCallerIdentityCommand({}));
    assert.equal(out.$metadata.attempts, 3);
    assert.deepEqual(
      double.state.callLog().map((c) => c.errorCode),
      ['Throttling', 'ServiceUnavailable', null],
    );
  });

  it('lets the SDK correct its clock from the Date header after "Signature expired"', async () => {
    double.state.setClockSkewSeconds(30 * 60);
    const out = await sts(double.user('bob'), 2).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, 'arn:aws:iam::111111111111:user/bob');
    assert.deepEqual(double.state.callLog().map((c) => c.errorCode), ['SignatureDoesNotMatch', null]);
  });
});
