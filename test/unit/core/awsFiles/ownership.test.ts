import * as assert from 'node:assert/strict';
import { applyOwned, ForeignCredentialsError, InvalidProfileNameError, revertOwned } from '../../../../src/core/awsFiles/ownership';

const creds = (id: string, token?: string) => ({ aws_access_key_id: id, aws_secret_access_key: `secret-${id}`, ...(token ? { aws_session_token: token } : {}) });

describe('ownership', () => {
  it('records previous values and written values precisely', () => {
    const { owned } = applyOwned('[profile a]\nregion = eu-west-1\n', 'config', 'a', { region: 'us-east-1', output: 'json' });
    assert.deepEqual(owned, {
      file: 'config',
      profile: 'a',
      section: 'profile a',
      createdSection: false,
      keys: { region: { previous: 'eu-west-1', written: 'us-east-1' }, output: { written: 'json' } },
    });
  });

  it('refuses to overwrite long-term keys in the credentials file and names file and profile', () => {
    const text = '[work]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = s\n';
    assert.throws(
      () => applyOwned(text, 'credentials', 'work', creds('ASIA1', 't'), undefined, '/home/u/.aws/credentials'),
      (e: unknown) => e instanceof ForeignCredentialsError && e.profile === 'work' && /\/home\/u\/\.aws\/credentials/.test(e.message) && !/AKIALONGTERM/.test(e.message),
    );
  });

  it('refuses a foreign session token alone, and a legacy aws_security_token', () => {
    assert.throws(() => applyOwned('[p]\naws_session_token = x\n', 'credentials', 'p', creds('A')), ForeignCredentialsError);
    assert.throws(() => applyOwned('[p]\naws_security_token = x\n', 'credentials', 'p', creds('A')), ForeignCredentialsError);
  });

  it('replaces stale credentials it wrote itself, never recording a secret as previous', () => {
    const original = '# mine\n[other]\nx = 1\n';
    const first = applyOwned(original, 'credentials', 'dev', creds('ASIA1', 't1'));
    const second = applyOwned(first.text, 'credentials', 'dev', creds('ASIA2', 't2'), first.owned);
    assert.match(second.text, /aws_access_key_id = ASIA2\naws_secret_access_key = secret-ASIA2\naws_session_token = t2\n$/);
    for (const rec of Object.values(second.owned.keys)) assert.equal(rec.previous, undefined);
    assert.equal(second.owned.createdSection, true);
    assert.equal(revertOwned(second.text, second.owned).text, original);
  });

  it('stale credentials not matching the last record are foreign', () => {
    const first = applyOwned('', 'credentials', 'dev', creds('ASIA1', 't1'));
    const edited = first.text.replace('ASIA1', 'AKIAUSER');
    assert.throws(() => applyOwned(edited, 'credentials', 'dev', creds('ASIA2', 't2'), first.owned), ForeignCredentialsError);
  });

  it('carries the original previous value over re-applies', () => {
    const original = '[profile a]\nregion = eu-west-1\n';
    const a1 = applyOwned(original, 'config', 'a', { region: 'us-east-1' });
    const a2 = applyOwned(a1.text, 'config', 'a', { region: 'us-west-2' }, a1.owned);
    assert.equal(a2.owned.keys.region.previous, 'eu-west-1');
    assert.equal(revertOwned(a2.text, a2.owned).text, original);
  });

  it('reverts keys it no longer writes on re-apply', () => {
    const a1 = applyOwned('[p]\n', 'credentials', 'p', creds('A', 'tok'));
    const a2 = applyOwned(a1.text, 'credentials', 'p', creds('B'), a1.owned);
    assert.equal(a2.text, '[p]\naws_access_key_id = B\naws_secret_access_key = secret-B\n');
    assert.equal(revertOwned(a2.text, a2.owned).text, '[p]\n');
  });

  it('leaves a key the user changed meanwhile, and then keeps the header', () => {
    const a = applyOwned('', 'config', 'a', { region: 'us-east-1', output: 'json' });
    const userEdited = a.text.replace('region = us-east-1', 'region = ap-south-1');
    const r = revertOwned(userEdited, a.owned);
    assert.equal(r.text, '[profile a]\nregion = ap-south-1\n');
    assert.deepEqual(r.keptKeys, ['region']);
    assert.equal(r.sectionRemoved, false);
  });

  it('keeps a created header when the user added a comment to it', () => {
    const a = applyOwned('[x]\n', 'config', 'a', { region: 'r' });
    const withComment = a.text + '# my note\n';
    assert.equal(revertOwned(withComment, a.owned).text, '[x]\n\n[profile a]\n# my note\n');
  });

  it('does not remove a header it did not create', () => {
    const a = applyOwned('[profile a]\n', 'config', 'a', { region: 'r' });
    assert.equal(a.owned.createdSection, false);
    assert.equal(revertOwned(a.text, a.owned).text, '[profile a]\n');
  });

  it('restores a multi-line previous value exactly', () => {
    const original = '[profile a]\nregion =\n  sub = weird\n# c\n';
    const a = applyOwned(original, 'config', 'a', { region: 'r' });
    assert.equal(a.text, '[profile a]\nregion =r\n# c\n');
    assert.equal(revertOwned(a.text, a.owned).text, original);
  });

  it('rejects profile names that would not round-trip and values with line breaks', () => {
    assert.throws(() => applyOwned('', 'config', 'a b', { region: 'r' }), InvalidProfileNameError);
    assert.throws(() => applyOwned('', 'credentials', 'DEFAULT', creds('A')), InvalidProfileNameError);
    assert.throws(() => applyOwned('', 'config', 'a', { region: 'r\n[x]' }));
  });

  it('refuses an ownership record of another profile', () => {
    const a = applyOwned('', 'config', 'a', { region: 'r' });
    assert.throws(() => applyOwned(a.text, 'config', 'b', { region: 'r' }, a.owned));
  });
});

describe('isOwnedKeys', () => {
  it('accepts a real record and rejects malformed ones', async () => {
    const { isOwnedKeys } = await import('../../../../src/core/awsFiles/ownership');
    const { owned } = applyOwned('[profile a]\nregion = x\n', 'config', 'a', { region: 'y' });
    assert.equal(isOwnedKeys(JSON.parse(JSON.stringify(owned))), true);
    assert.equal(isOwnedKeys({ ...owned, file: 'other' }), false);
    assert.equal(isOwnedKeys({ ...owned, keys: { region: { previous: 1, written: 'y' } } }), false);
    assert.equal(isOwnedKeys(null), false);
  });
});
