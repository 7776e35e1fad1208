import { strict as assert } from 'node:assert';
import { buildSamlAssertion, startLocalAws, type LocalAws } from '../../double';
import { parseClaims, decodeAssertion, nameQualifier } from '../../double/saml';
import { credsFrom, errorCode, stsCall, xmlText } from './helpers';

const ROLE = 'arn:aws:iam::111111111111:role/SamlAdmin';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/Okta';

describe('local AWS double: AssumeRoleWithSAML', () => {
  let double: LocalAws;
  beforeEach(async () => {
    double = await startLocalAws();
  });
  afterEach(async () => {
    await double.close();
  });

  const samlCall = (assertion: string, role = ROLE, provider = PROVIDER): ReturnType<typeof stsCall> =>
    stsCall(double.endpoint, null, { Action: 'AssumeRoleWithSAML', RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion });

  it('accepts an unsigned request whose assertion carries the role/provider pair', async () => {
    const assertion = buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], subject: 'jane@example.com', issuer: 'http://www.okta.com/abc' });
    const res = await samlCall(assertion);
    assert.equal(res.status, 200, res.body);
    assert.equal(xmlText(res.body, 'Arn'), 'arn:aws:sts::111111111111:assumed-role/SamlAdmin/jane@example.com');
    assert.equal(xmlText(res.body, 'Subject'), 'jane@example.com');
    assert.equal(xmlText(res.body, 'SubjectType'), 'persistent');
    assert.equal(xmlText(res.body, 'Issuer'), 'http://www.okta.com/abc');
    assert.equal(xmlText(res.body, 'Audience'), 'https://signin.aws.amazon.com/saml');
    assert.equal(xmlText(res.body, 'NameQualifier'), nameQualifier('http://www.okta.com/abc', '111111111111', 'Okta'));
    const who = await stsCall(double.endpoint, credsFrom(res.body), { Action: 'GetCallerIdentity' });
    assert.equal(xmlText(who.body, 'Arn'), 'arn:aws:sts::111111111111:assumed-role/SamlAdmin/jane@example.com');
  });

  it('accepts the pair in either order and among several roles', async () => {
    const assertion = buildSamlAssertion({
      roles: [
        { roleArn: 'arn:aws:iam::111111111111:role/Other', principalArn: PROVIDER },
        { roleArn: PROVIDER, principalArn: ROLE },
      ],
    });
    const claims = parseClaims(decodeAssertion(assertion));
    assert.deepEqual(claims.rolePairs[1], { roleArn: ROLE, principalArn: PROVIDER });
    assert.equal((await samlCall(assertion)).status, 200);
  });

  it('denies a role the assertion does not grant', async () => {
    const assertion = buildSamlAssertion({ roles: [{ roleArn: 'arn:aws:iam::111111111111:role/Other', principalArn: PROVIDER }] });
    const res = await samlCall(assertion);
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.equal(xmlText(res.body, 'Message'), 'Not authorized to perform sts:AssumeRoleWithSAML');
  });

  it('rejects assertions that are not base64 XML, are expired, or name a bad provider ARN', async () => {
    const garbage = await samlCall('not base64 at all!!');
    assert.equal(garbage.status, 400);
    assert.equal(errorCode(garbage.body), 'InvalidIdentityToken');
    const notXml = await samlCall(Buffer.from('hello world').toString('base64'));
    assert.equal(errorCode(notXml.body), 'InvalidIdentityToken');
    const expired = buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], nowMs: Date.now() - 3600_000, validSeconds: 300 });
    assert.equal(errorCode((await samlCall(expired)).body), 'ExpiredTokenException');
    const good = buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }] });
    const badProvider = await samlCall(good, ROLE, 'arn:aws:iam::111111111111:user/Okta');
    assert.equal(errorCode(badProvider.body), 'ValidationError');
  });

  it('takes the session duration from the SessionDuration attribute', async () => {
    const assertion = buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], sessionDurationSeconds: 7200 });
    const before = Date.now();
    const res = await samlCall(assertion);
    const expires = Date.parse(credsFrom(res.body).expiration);
    assert.ok(expires > before + 7100_000 && expires <= Date.now() + 7200_000);
  });
});
