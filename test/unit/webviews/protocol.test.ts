import assert from 'node:assert/strict';
import { parseDoctorMessage } from '../../../src/webviews/doctor/protocol';
import { parseIntegrationMessage } from '../../../src/webviews/integrationForm/protocol';
import { describeRefused } from '../../../src/webviews/protocol';
import { parsePageMessage } from '../../../src/webviews/sessionForm/protocol';

describe('session form protocol', () => {
  it('accepts the three messages a page may send', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'cancel' }), { type: 'cancel' });
    const submit = parsePageMessage({ type: 'submit', values: { alias: 'a', region: 'us-east-1' } });
    assert.equal(submit?.type, 'submit');
    assert.deepEqual({ ...(submit as { values: object }).values }, { alias: 'a', region: 'us-east-1' });
  });

  it('rejects malformed and hostile messages', () => {
    const hostile: unknown[] = [
      null,
      'submit',
      42,
      [],
      { type: 'delete' },
      { type: 'ready', extra: 1 },
      { type: 'submit' },
      { type: 'submit', values: null },
      { type: 'submit', values: ['a'] },
      { type: 'submit', values: { alias: 7 } },
      { type: 'submit', values: { alias: { toString: 'x' } } },
      { type: 'submit', values: { '__proto__x': 'a' } },
      { type: 'submit', values: { constructor: 'a'.repeat(5000) } },
      { type: 'submit', values: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x'])) },
      { type: 'submit', values: {}, sessionId: 'other' },
      JSON.parse('{"type":"submit","values":{"__proto__":{"polluted":"yes"}}}'),
    ];
    for (const message of hostile) assert.equal(parsePageMessage(message), undefined, JSON.stringify(message));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('integration form protocol', () => {
  it('accepts ready, submit and cancel', () => {
    assert.deepEqual(parseIntegrationMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseIntegrationMessage({ type: 'cancel' }), { type: 'cancel' });
    const submit = parseIntegrationMessage({ type: 'submit', values: { alias: 'acme', startUrl: 'https://d-1234567890.awsapps.com/start', ssoRegion: 'eu-west-1' } });
    assert.equal(submit?.type, 'submit');
    assert.deepEqual({ ...(submit as { values: object }).values }, { alias: 'acme', startUrl: 'https://d-1234567890.awsapps.com/start', ssoRegion: 'eu-west-1' });
  });

  it('has no "test": a well-formed test message is refused like any message outside the protocol', () => {
    assert.equal(parseIntegrationMessage({ type: 'test', values: { alias: 'acme' } }), undefined);
    assert.equal(parseIntegrationMessage({ type: 'submit', values: { alias: 'a'.repeat(5000) } }), undefined);
    assert.equal(parseIntegrationMessage({ type: 'ready', extra: 1 }), undefined);
  });
});

describe('doctor protocol', () => {
  it('accepts a fix by index, rerun and copy', () => {
    assert.deepEqual(parseDoctorMessage({ type: 'fix', index: 2 }), { type: 'fix', index: 2 });
    assert.deepEqual(parseDoctorMessage({ type: 'rerun' }), { type: 'rerun' });
    assert.deepEqual(parseDoctorMessage({ type: 'copy' }), { type: 'copy' });
  });

  it('refuses anything else', () => {
    const hostile: unknown[] = [
      null,
      [],
      'rerun',
      { type: 'fix' },
      { type: 'fix', index: '0' },
      { type: 'fix', index: 1.5 },
      { type: 'fix', index: 0, extra: 1 },
      { type: 'copy', text: 'x' },
      { type: 'submit', values: {} },
      JSON.parse('{"type":"rerun","__proto__":{"polluted":"yes"}}'),
    ];
    for (const message of hostile) assert.equal(parseDoctorMessage(message), undefined, JSON.stringify(message));
  });
});

describe('a refused message in the log', () => {
  it('names its kind and a plain type, never its content', () => {
    assert.equal(describeRefused({ type: 'submit', values: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }), 'a "submit" message');
    assert.equal(describeRefused({ type: 'wJalrXUtnFEMI/K7MDENG' }), 'a message with no known type');
    assert.equal(describeRefused({ type: 'x'.repeat(33) }), 'a message with no known type');
    assert.equal(describeRefused(null), 'a message that is null');
    assert.equal(describeRefused(['submit']), 'a message that is an array');
    assert.equal(describeRefused('submit'), 'a message that is a string');
  });
});
