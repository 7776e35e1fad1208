import assert from 'node:assert/strict';
import { rules } from '../../../src/core/validation';
import { resolveEndpoint } from '../../../src/core/aws/endpoints';
import { describeAwsError } from '../../../src/core/aws/awsErrors';
import { partitionOfRegion, REGIONS } from '../../../src/core/regions';

describe('field rules', () => {
  it('accept good values', () => {
    assert.equal(rules.accessKeyId('AKIAIOSFODNN7EXAMPLE'), undefined);
    assert.equal(rules.secretAccessKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), undefined);
    assert.equal(rules.mfaSerial('arn:aws-us-gov:iam::123456789012:mfa/a.b@c'), undefined);
    assert.equal(rules.mfaSerial('GAHT12345678'), undefined);
    assert.equal(rules.mfaSerial(''), undefined);
    assert.equal(rules.region('cn-northwest-1'), undefined);
    assert.equal(rules.profileName('dev-admin_1'), undefined);
    assert.equal(rules.mfaCode('012345'), undefined);
  });
  it('reject bad values saying what is expected', () => {
    assert.match(rules.accessKeyId('AKIA123')!, /20 characters starting with AKIA/);
    assert.match(rules.accessKeyId('ASIAIOSFODNN7EXAMPLE')!, /temporary/);
    assert.match(rules.secretAccessKey('short')!, /40-character/);
    assert.match(rules.mfaSerial('arn:aws:iam::12:mfa/x')!, /MFA device ARN/);
    assert.match(rules.region('us-east-9')!, /not an AWS region/);
    assert.match(rules.profileName('a b')!, /no spaces/);
    assert.match(rules.profileName('[x]')!, /ini section/);
    assert.match(rules.alias('  ')!, /required/);
    assert.match(rules.mfaCode('12345')!, /6-digit/);
  });
});

describe('regions', () => {
  it('cover commercial, GovCloud and China partitions', () => {
    assert.ok(REGIONS.length >= 30);
    assert.equal(partitionOfRegion('us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
    assert.equal(partitionOfRegion('eu-west-1'), 'aws');
  });
});

describe('endpoint overrides', () => {
  it('prefer the service setting, then its variable, then the general setting, then AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://env-all', AWS_ENDPOINT_URL_STS: 'http://env-sts' };
    assert.equal(resolveEndpoint('sts', { stsEndpointUrl: 'http://set-sts', endpointUrl: 'http://set-all' }, env), 'http://set-sts');
    assert.equal(resolveEndpoint('sts', { endpointUrl: 'http://set-all' }, env), 'http://env-sts');
    assert.equal(resolveEndpoint('sso', { endpointUrl: 'http://set-all' }, env), 'http://set-all');
    assert.equal(resolveEndpoint('ssoOidc', {}, env), 'http://env-all');
    assert.equal(resolveEndpoint('sso', {}, {}), undefined);
  });
});

describe('AWS error descriptions', () => {
  const ctx = { service: 'STS', action: 'GetSessionToken', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' };
  it('say the endpoint is unreachable for connection errors', () => {
    const e = describeAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx);
    assert.equal(e.code, 'ECONNREFUSED');
    assert.match(e.message, /could not reach http:\/\/127\.0\.0\.1:1/);
    assert.ok(e.retryable);
  });
  it('map AWS codes to a fix', () => {
    const e = describeAwsError(Object.assign(new Error('The request signature we calculated does not match'), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }), ctx);
    assert.match(e.fix!, /secret access key does not match/);
    assert.equal(e.retryable, false);
    const t = describeAwsError(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }), ctx);
    assert.ok(t.retryable);
  });
});
