import { strict as assert } from 'node:assert';
import { startLocalAws, type LocalAws } from '../../double';
import { FakeClock, credsFrom, errorCode, stsCall, xmlText, type Creds } from './helpers';

const ROLE = 'arn:aws:iam::111111111111:role/team/Admin';

describe('local AWS double: STS operations', () => {
  const clock = new FakeClock();
  let double: LocalAws;
  beforeEach(async () => {
    clock.ms = Date.now();
    double = await startLocalAws({ clock: clock.now });
  });
  afterEach(async () => {
    await double.close();
  });

  const call = (creds: Creds, params: Record<string, string | number | undefined>): ReturnType<typeof stsCall> =>
    stsCall(double.endpoint, creds, params, { signingDate: clock.date() });
  const bob = (): Creds => double.user('bob');
  const arnOf = async (creds: Creds): Promise<string | undefined> => xmlText((await call(creds, { Action: 'GetCallerIdentity' })).body, 'Arn');

  it('sends ErrorResponse XML exactly shaped like STS, with the request id in header and body', async () => {
    const res = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    const requestId = res.headers.get('x-amzn-requestid') ?? '';
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    const compact = res.body.replace(/>\s+</g, '><').trim();
    assert.equal(
      compact,
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ValidationError</Code>' +
        "<Message>1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 2</Message></Error>' +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });

  it('wraps results in <Action>Response/<Action>Result with ResponseMetadata', async () => {
    const res = await call(bob(), { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 200);
    const compact = res.body.replace(/>\s+</g, '><').trim();
    assert.match(
      compact,
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>AIDA[A-Z2-7]{16}<\/UserId><Account>111111111111<\/Account><Arn>arn:aws:iam::111111111111:user\/bob<\/Arn><\/GetCallerIdentityResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>$/,
    );
  });

  it('reports the right caller ARN for users, session tokens, roles and federated users', async () => {
    const session = credsFrom((await call(bob(), { Action: 'GetSessionToken' })).body);
    assert.equal(await arnOf(session), 'arn:aws:iam::111111111111:user/bob');

    const roleRes = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'bob@example.com' });
    assert.equal(roleRes.status, 200, roleRes.body);
    assert.equal(xmlText(roleRes.body, 'Arn'), 'arn:aws:sts::111111111111:assumed-role/Admin/bob@example.com');
    assert.match(xmlText(roleRes.body, 'AssumedRoleId') ?? '', /^AROA[A-Z2-7]{16}:bob@example\.com$/);
    const role = credsFrom(roleRes.body);
    assert.equal(await arnOf(role), 'arn:aws:sts::111111111111:assumed-role/Admin/bob@example.com');

    const viaSession = credsFrom((await call(session, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 's2' })).body);
    assert.equal(await arnOf(viaSession), 'arn:aws:sts::111111111111:assumed-role/Admin/s2');

    const fedRes = await call(bob(), { Action: 'GetFederationToken', Name: 'carol', Policy: '{"Version":"2012-10-17","Statement":[]}' });
    assert.equal(fedRes.status, 200, fedRes.body);
    assert.equal(xmlText(fedRes.body, 'FederatedUserId'), '111111111111:carol');
    assert.ok(Number(xmlText(fedRes.body, 'PackedPolicySize')) > 0);
    assert.equal(await arnOf(credsFrom(fedRes.body)), 'arn:aws:sts::111111111111:federated-user/carol');
  });

  it('limits role chaining to one hour and roles to MaxSessionDuration', async () => {
    const first = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'first', DurationSeconds: 43200 });
    assert.equal(first.status, 200, first.body);
    const chained = credsFrom(first.body);
    const tooLong = await call(chained, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'second', DurationSeconds: 3601 });
    assert.equal(tooLong.status, 400);
    assert.equal(errorCode(tooLong.body), 'ValidationError');
    assert.equal(xmlText(tooLong.body, 'Message'), 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const hour = await call(chained, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'second', DurationSeconds: 3600 });
    assert.equal(hour.status, 200, hour.body);
    assert.equal(Date.parse(credsFrom(hour.body).expiration), Math.floor(clock.ms / 1000) * 1000 + 3600_000);
    const over = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x1', DurationSeconds: 43201 });
    assert.equal(over.status, 400);
    assert.match(xmlText(over.body, 'Message') ?? '', /Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200/);
    const under = await call(bob(), { Action: 'GetSessionToken', DurationSeconds: 899 });
    assert.equal(errorCode(under.body), 'ValidationError');
  });

  it("refuses a DurationSeconds above the role's own MaxSessionDuration, and below 900, as STS does", async () => {
    double.state.settings.roleMaxSessionSecondsByArn[ROLE] = 7200;
    const over = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x1', DurationSeconds: 7201 });
    assert.equal(over.status, 400);
    assert.equal(errorCode(over.body), 'ValidationError');
    assert.equal(xmlText(over.body, 'Message'), 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const max = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x1', DurationSeconds: 7200 });
    assert.equal(max.status, 200, max.body);
    const other = await call(bob(), { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::111111111111:role/Other', RoleSessionName: 'x1', DurationSeconds: 43200 });
    assert.equal(other.status, 200, 'other roles keep the default maximum (43200)');
    const under = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x1', DurationSeconds: 899 });
    assert.equal(under.status, 400);
    assert.match(xmlText(under.body, 'Message') ?? '', /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
    double.state.reset();
    assert.deepEqual(double.state.settings.roleMaxSessionSecondsByArn, {}, 'reset forgets per-role maxima');
  });

  it('refuses AssumeRole of a role that requires an ExternalId without that exact id, as AWS does', async () => {
    double.state.settings.roleExternalIds[ROLE] = 'client-7f3a';
    const denied = 'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: ' + ROLE;
    for (const params of [{}, { ExternalId: 'client-0000' }]) {
      const res = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ext', ...params });
      assert.equal(res.status, 403, res.body);
      assert.equal(errorCode(res.body), 'AccessDenied');
      assert.equal(xmlText(res.body, 'Message'), denied);
    }
    const ok = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ext', ExternalId: 'client-7f3a' });
    assert.equal(ok.status, 200, ok.body);
    const other = await call(bob(), { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::111111111111:role/Other', RoleSessionName: 'ext' });
    assert.equal(other.status, 200, other.body);
  });

  it('validates role ARNs, session names, accounts and who may call what', async () => {
    const badArn = await call(bob(), { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::1111:role/Admin', RoleSessionName: 'ok' });
    assert.equal(badArn.status, 400);
    assert.equal(xmlText(badArn.body, 'Message'), 'Request ARN is invalid');
    const badName = await call(bob(), { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'has space' });
    assert.match(xmlText(badName.body, 'Message') ?? '', /Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\*/);
    const twoErrors = await call(bob(), { Action: 'AssumeRole' });
    assert.match(xmlText(twoErrors.body, 'Message') ?? '', /^2 validation errors detected: Value null at 'roleArn'.*; Value null at 'roleSessionName'/);
    const otherAccount = await call(bob(), { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::999999999999:role/Admin', RoleSessionName: 'ok' });
    assert.equal(otherAccount.status, 403);
    assert.equal(errorCode(otherAccount.body), 'AccessDenied');

    const session = credsFrom((await call(bob(), { Action: 'GetSessionToken' })).body);
    const nested = await call(session, { Action: 'GetSessionToken' });
    assert.equal(nested.status, 403);
    assert.equal(xmlText(nested.body, 'Message'), 'Cannot call GetSessionToken with session credentials');
    const fed = credsFrom((await call(bob(), { Action: 'GetFederationToken', Name: 'carol' })).body);
    assert.equal((await call(fed, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ok' })).status, 403);
    const badPolicy = await call(bob(), { Action: 'GetFederationToken', Name: 'carol', Policy: 'not json' });
    assert.equal(errorCode(badPolicy.body), 'MalformedPolicyDocument');
  });

  it('expires temporary credentials at their Expiration with ExpiredToken', async () => {
    const issued = credsFrom((await call(bob(), { Action: 'GetSessionToken', DurationSeconds: 900 })).body);
    const expiresAt = Date.parse(issued.expiration);
    clock.ms = expiresAt - 1000;
    assert.equal((await call(issued, { Action: 'GetCallerIdentity' })).status, 200);
    clock.ms = expiresAt;
    const res = await call(issued, { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'ExpiredToken');
    assert.equal(xmlText(res.body, 'Message'), 'The security token included in the request is expired');
  });

  it('rejects unknown actions and versions', async () => {
    const unknown = await call(bob(), { Action: 'ListRoles' });
    assert.equal(unknown.status, 400);
    assert.equal(errorCode(unknown.body), 'InvalidAction');
    assert.equal(xmlText(unknown.body, 'Message'), 'Could not find operation ListRoles for version 2011-06-15');
    const version = await call(bob(), { Action: 'GetCallerIdentity', Version: '2010-01-01' });
    assert.equal(errorCode(version.body), 'InvalidAction');
  });
});

describe('local AWS double: credential lifetime override', () => {
  it('issues credentials for credentialSeconds whatever DurationSeconds asks', async () => {
    const double = await startLocalAws({ credentialSeconds: 90 });
    try {
      const before = Date.now();
      const res = await stsCall(double.endpoint, double.user('bob'), { Action: 'GetSessionToken', DurationSeconds: 3600 });
      const expires = Date.parse(credsFrom(res.body).expiration);
      assert.ok(expires >= Math.floor(before / 1000) * 1000 + 89_000 && expires <= Date.now() + 90_000, credsFrom(res.body).expiration);
    } finally {
      await double.close();
    }
  });
});
