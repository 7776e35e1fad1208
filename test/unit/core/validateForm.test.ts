import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/core/errors';
import { emptyState } from '../../../src/core/model';
import { validateForm, type FieldSpec } from '../../../src/core/validation';
import { sessionType } from '../../../src/core/sessions/registry';
import { DELIVERY_FIELD } from '../../../src/core/sessions/sessionType';
import { validateIntegration } from '../../../src/core/sso/integrationForm';

const USER = { alias: 'dev', profile: 'default', region: 'eu-west-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: '' };

describe('validateForm: one validator for every form', () => {
  it('checks each field by its rule, in field order, naming it by its label (problemLabel when the label says more)', () => {
    const { problems } = validateForm(sessionType('iamUser').fields, { alias: ' ', profile: 'dev', region: 'mars-1', accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'short', mfaSerial: 'x' });
    assert.deepEqual(
      problems.map((p) => [p.field, p.label]),
      [
        ['alias', 'Session alias'],
        ['region', 'Region'],
        ['accessKeyId', 'Access key ID'],
        ['secretAccessKey', 'Secret access key'],
        ['mfaSerial', 'MFA device ARN'],
      ],
    );
    assert.match(problems[0].message, /^required: a name for this session/);
    assert.match(problems[2].message, /temporary key \(ASIA…\)/);
  });

  it('an empty secret field is fine only when its value is stored (kept on edit)', () => {
    const blank = { ...USER, accessKeyId: '', secretAccessKey: '' };
    assert.deepEqual(validateForm(sessionType('iamUser').fields, blank, new Set(['accessKeyId', 'secretAccessKey'])).problems, []);
    const missing = validateForm(sessionType('iamUser').fields, blank, new Set(['accessKeyId']));
    assert.deepEqual(missing.problems.map((p) => [p.field, p.message]), [['secretAccessKey', 'required']]);
    assert.deepEqual(validateForm(sessionType('iamUser').fields, blank).problems.map((p) => p.field), ['accessKeyId', 'secretAccessKey']);
  });

  it('an empty optional field passes; a required field without a rule must not be empty', () => {
    const fields: FieldSpec[] = [
      { name: 'note', label: 'Note (optional)', kind: 'text', required: false, rule: 'roleArn' },
      { name: 'colour', label: 'Colour', kind: 'text', required: true },
    ];
    assert.deepEqual(validateForm(fields, { note: '', colour: '' }).problems, [{ field: 'colour', label: 'Colour', message: 'required' }]);
    assert.match(validateForm(fields, { note: 'x', colour: 'red' }).problems[0].message, /starting with arn:/, 'a filled optional field is checked');
  });

  it('returns the trimmed values of the specified fields only; a value that is not a string counts as empty', () => {
    const hostile = { ...USER, alias: '  dev  ', region: 7, extra: 'ignored' } as unknown as Record<string, string>;
    const { values, problems } = validateForm(sessionType('iamUser').fields, hostile);
    assert.equal(values.alias, 'dev');
    assert.equal(values.region, '');
    assert.equal('extra' in values, false);
    assert.deepEqual(problems.map((p) => p.field), ['region']);
  });

  it('the delivery choice keeps its wording: empty or default follow the setting, anything else is refused', () => {
    for (const ok of ['', 'default', 'credentialsFile', 'credentialProcess']) assert.deepEqual(validateForm([DELIVERY_FIELD], { deliveryMode: ok }).problems, [], ok);
    assert.deepEqual(validateForm([DELIVERY_FIELD], { deliveryMode: 'carrier-pigeon' }).problems, [
      { field: 'deliveryMode', label: 'Delivery', message: '"carrier-pigeon" is not credentialsFile, credentialProcess or default' },
    ]);
  });

  it('the IAM Identity Center integration form goes through it too, plus its unique alias', () => {
    const state = emptyState('p0');
    state.integrations = [{ id: 'i1', alias: 'Acme', startUrl: 'https://acme.awsapps.com/start', ssoRegion: 'eu-west-1' }];
    assert.throws(
      () => validateIntegration({ alias: '', startUrl: 'ftp://x', ssoRegion: 'nowhere' }, state),
      (e: unknown) =>
        e instanceof ValidationError &&
        /^Integration alias: required: .*; AWS access portal URL: expected the AWS access portal URL.*; SSO region: "nowhere" is not an AWS region/.test(e.message),
    );
    assert.throws(() => validateIntegration({ alias: 'acme', startUrl: 'https://b.awsapps.com/start', ssoRegion: 'us-east-1' }, state), /Integration alias: "acme" is already used by another integration/);
    assert.deepEqual(validateIntegration({ alias: ' acme ', startUrl: ' https://b.awsapps.com/start', ssoRegion: 'us-east-1' }, state, 'i1'), { alias: 'acme', startUrl: 'https://b.awsapps.com/start', ssoRegion: 'us-east-1' });
  });

});
