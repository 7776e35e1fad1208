/** A failed end-to-end test prints the AWS files; no credential value may reach the CI log, not even the double's. */
import * as assert from 'node:assert/strict';
import { redactCredentials } from '../../e2e/secretScan';

describe("the end-to-end failure report's AWS files", () => {
  it('replaces every key, secret and token by its length and keeps the rest', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'IQoJb3JpZ2luX2VjE'.repeat(20);
    const text = [
      '[dev]',
      'aws_access_key_id = ASIAEXAMPLE123456789',
      `aws_secret_access_key=${secret}`,
      `  AWS_SESSION_TOKEN = ${token}  `,
      'x_security_token_expires = 2026-11-29T20:00:00Z',
      'region = eu-west-1',
    ].join('\n');
    const out = redactCredentials(text);
    for (const value of ['ASIAEXAMPLE123456789', secret, token]) assert.ok(!out.includes(value), out);
    assert.match(out, /^aws_access_key_id = <20 characters>$/m);
    assert.match(out, new RegExp(`^aws_secret_access_key=<${secret.length} characters>$`, 'm'));
    assert.match(out, new RegExp(`^  AWS_SESSION_TOKEN = <${token.length} characters>$`, 'm'));
    assert.match(out, /^x_security_token_expires = 2026-11-29T20:00:00Z$/m);
    assert.match(out, /^\[dev\]$/m);
  });
});
