import { strict as assert } from 'node:assert';
import { startLocalAws, type LocalAws } from '../../double';
import { credsFrom, errorCode, stsCall, xmlText } from './helpers';

describe('local AWS double: SigV4 verification', () => {
  let double: LocalAws;
  beforeEach(async () => {
    double = await startLocalAws();
  });
  afterEach(async () => {
    await double.close();
  });

  const bob = (): { accessKeyId: string; secretAccessKey: string } => double.user('bob');

  it('accepts a correctly signed request and names the user', async () => {
    const res = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 200, res.body);
    assert.equal(xmlText(res.body, 'Arn'), 'arn:aws:iam::111111111111:user/bob');
    assert.equal(xmlText(res.body, 'Account'), '111111111111');
  });

  it('rejects a body changed after signing', async () => {
    const res = await stsCall(double.endpoint, bob(), { Action: 'GetSessionToken', DurationSeconds: 900 }, {
      sentBody: 'Action=GetSessionToken&Version=2011-06-15&DurationSeconds=901',
    });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
  });

  it('rejects a signature made with the wrong secret', async () => {
    // Another first character, whatever the generated secret starts with (replacing it by 'x' left one secret in 64 unchanged).
    const secret = bob().secretAccessKey;
    const wrong = `${secret[0] === 'x' ? 'y' : 'x'}${secret.slice(1)}`;
    const res = await stsCall(double.endpoint, { ...bob(), secretAccessKey: wrong }, { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
  });

  it('rejects a signed header changed after signing', async () => {
    const extraHeaders = { 'x-amz-user-agent': 'a' };
    const good = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { extraHeaders });
    assert.equal(good.status, 200, good.body);
    const res = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { extraHeaders, sentHeaders: { 'x-amz-user-agent': 'b' } });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
  });

  it('rejects an unknown access key with InvalidClientTokenId', async () => {
    const res = await stsCall(double.endpoint, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) }, { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'InvalidClientTokenId');
    assert.equal(xmlText(res.body, 'Message'), 'The security token included in the request is invalid.');
  });

  it('requires the matching session token for temporary credentials', async () => {
    const issued = credsFrom((await stsCall(double.endpoint, bob(), { Action: 'GetSessionToken', DurationSeconds: 900 })).body);
    const ok = await stsCall(double.endpoint, issued, { Action: 'GetCallerIdentity' });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(xmlText(ok.body, 'Arn'), 'arn:aws:iam::111111111111:user/bob');

    const wrong = await stsCall(double.endpoint, issued, { Action: 'GetCallerIdentity' }, { sessionTokenOverride: issued.sessionToken + 'x' });
    assert.equal(wrong.status, 403);
    assert.equal(errorCode(wrong.body), 'InvalidClientTokenId');

    const missing = await stsCall(double.endpoint, { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey }, { Action: 'GetCallerIdentity' });
    assert.equal(missing.status, 403);
    assert.equal(errorCode(missing.body), 'InvalidClientTokenId');
  });

  it('rejects x-amz-date more than 15 minutes off, in either direction', async () => {
    const at = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);
    assert.equal((await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { signingDate: at(-14) })).status, 200);
    const old = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { signingDate: at(-16) });
    assert.equal(old.status, 403);
    assert.equal(errorCode(old.body), 'SignatureDoesNotMatch');
    assert.match(xmlText(old.body, 'Message') ?? '', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { signingDate: at(16) });
    assert.equal(future.status, 403);
    assert.match(xmlText(future.body, 'Message') ?? '', /^Signature not yet current: /);
  });

  it('applies clock skew set through the control endpoint, and reports it in Date', async () => {
    const skew = await fetch(`${double.endpoint}/_double/clock-skew`, { method: 'POST', body: JSON.stringify({ seconds: 3600 }) });
    assert.equal(skew.status, 200);
    const res = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 403);
    assert.match(xmlText(res.body, 'Message') ?? '', /^Signature expired/);
    const served = Date.parse(res.headers.get('date') ?? '');
    assert.ok(Math.abs(served - (Date.now() + 3600_000)) < 5000, `Date header ${res.headers.get('date')}`);
  });

  it('requires a signature, scoped to sts, with a matching payload hash', async () => {
    const unsigned = await stsCall(double.endpoint, null, { Action: 'GetCallerIdentity' });
    assert.equal(unsigned.status, 403);
    assert.equal(errorCode(unsigned.body), 'MissingAuthenticationToken');

    const s3 = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { service: 's3' });
    assert.equal(s3.status, 403);
    assert.equal(errorCode(s3.body), 'SignatureDoesNotMatch');

    const hash = await stsCall(double.endpoint, bob(), { Action: 'GetCallerIdentity' }, { extraHeaders: { 'x-amz-content-sha256': '0'.repeat(64) } });
    assert.equal(hash.status, 400);
    assert.equal(errorCode(hash.body), 'XAmzContentSHA256Mismatch');
  });
});
