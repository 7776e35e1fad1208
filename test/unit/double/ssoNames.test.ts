/** The double's organisation with colliding names: pairs of accounts whose names make the same profile name. */
import assert from 'node:assert/strict';
import { defaultAccount } from '../../double/ssoState';
import { sanitizeProfileName } from '../../../src/core/sso/profileNames';

describe('double: IAM Identity Center accounts with colliding names', () => {
  it('every fifth account is named differently from the one before it, but sanitises to the same profile name', () => {
    for (let i = 4; i < 40; i += 5) {
      const before = defaultAccount(i - 1, 3, true).accountName;
      const collider = defaultAccount(i, 3, true).accountName;
      assert.notEqual(collider, before);
      assert.equal(sanitizeProfileName(collider), sanitizeProfileName(before), collider);
    }
    assert.equal(defaultAccount(4, 3).accountName, 'account-0005', 'off by default');
  });
});
