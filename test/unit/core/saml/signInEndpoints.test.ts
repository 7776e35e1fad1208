/** Which URLs are AWS sign-in endpoints for the SAML capture and the Recipient check, and the browser patterns that cover them. */
import assert from 'node:assert/strict';
import { endpointOf, signInEndpoints } from '../../../../src/core/saml/signInEndpoints';

describe('SAML sign-in endpoints', () => {
  const aws = signInEndpoints(['https://signin.aws.amazon.com/saml', 'https://signin.amazonaws-us-gov.com/saml', 'https://signin.amazonaws.cn/saml']);

  it('the endpoint of a URL: origin and path, no query, fragment, default port or trailing slash', () => {
    assert.equal(endpointOf('https://signin.aws.amazon.com/saml/?x=1#y'), 'https://signin.aws.amazon.com/saml');
    assert.equal(endpointOf('HTTPS://Signin.AWS.amazon.com:443/saml'), 'https://signin.aws.amazon.com/saml');
    assert.equal(endpointOf('no url'), undefined);
  });

  it('matches the listed URLs and their regional forms', () => {
    for (const url of ['https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/saml?SAMLRequest=x', 'https://us-east-2.signin.aws.amazon.com/saml', 'https://ap-southeast-7.signin.aws.amazon.com/saml/', 'https://us-gov-west-1.signin.amazonaws-us-gov.com/saml', 'https://cn-northwest-1.signin.amazonaws.cn/saml']) {
      assert.equal(aws.matches(url), true, url);
    }
  });

  it('refuses look-alikes: another host, path, scheme or port, a label that is not a region, a deeper host', () => {
    for (const url of ['https://signin.aws.amazon.com.example.com/saml', 'https://us-east-2.signin.aws.amazon.com.evil/saml', 'https://evil.signin.aws.amazon.com/saml', 'https://a.us-east-2.signin.aws.amazon.com/saml', 'https://us-east-2.signin.aws.amazon.com/saml2', 'http://us-east-2.signin.aws.amazon.com/saml', 'https://us-east-2.signin.aws.amazon.com:8443/saml', 'https://example.com/?u=https://signin.aws.amazon.com/saml', 'not a url']) {
      assert.equal(aws.matches(url), false, url);
    }
  });

  it('gives no regional form to a URL that is not an AWS sign-in host (the test double), and escapes wildcards in patterns', () => {
    const double = signInEndpoints(['http://127.0.0.1:4567/saml/', 'https://h/a*b']);
    assert.deepEqual(double.fetchPatterns, ['http://127.0.0.1:4567/saml*', 'https://h/a\\*b*']);
    assert.equal(double.matches('http://127.0.0.1:4567/saml'), true);
    assert.equal(double.matches('http://us-east-1.127.0.0.1:4567/saml'), false);
    assert.deepEqual(aws.fetchPatterns.slice(3), ['https://*.signin.aws.amazon.com/saml*', 'https://*.signin.amazonaws-us-gov.com/saml*', 'https://*.signin.amazonaws.cn/saml*']);
  });
});
