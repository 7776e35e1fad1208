/** When the editor offers a folder's declared sessions: never untrusted, each change once, the command always. */
import assert from 'node:assert/strict';
import { checkAccount, expectedAccountsFor } from '../../../../src/core/guard';
import { emptyState } from '../../../../src/core/model';
import { checkIntegration, checkSession } from '../../../../src/core/stateSchema';
import { offerDecision, planFingerprint, type DeclaredPlan } from '../../../../src/core/declared/plan';

const plan: DeclaredPlan = { folder: 'file:///p', items: [{ action: 'release', what: 'session', alias: 'a', id: 'id-1' }], unchanged: [], skipped: [] };
const empty: DeclaredPlan = { ...plan, items: [] };

describe('declared sessions: when to offer', () => {
  it('refuses in an untrusted workspace, even when asked and even with a plan', () => {
    assert.equal(offerDecision({ trusted: false, problems: false, plan, asked: true }), 'untrusted');
    assert.equal(offerDecision({ trusted: false, problems: false, plan, asked: false }), 'untrusted');
  });
  it('offers a change once; the command offers it again', () => {
    assert.equal(offerDecision({ trusted: true, problems: false, plan, asked: false }), 'offer');
    assert.equal(offerDecision({ trusted: true, problems: false, plan, lastOffered: planFingerprint(plan), asked: false }), 'offeredAlready');
    assert.equal(offerDecision({ trusted: true, problems: false, plan, lastOffered: planFingerprint(plan), asked: true }), 'offer');
    assert.equal(offerDecision({ trusted: true, problems: false, plan, lastOffered: planFingerprint(empty), asked: false }), 'offer');
  });
  it('reports problems instead of a plan, and offers nothing when nothing would change', () => {
    assert.equal(offerDecision({ trusted: true, problems: true, asked: false }), 'problems');
    assert.equal(offerDecision({ trusted: true, problems: false, plan: empty, asked: true }), 'nothing');
  });
});

describe('declared sessions: expected accounts for the guard', () => {
  it("adds the file's accounts of the profile to the folder's setting", () => {
    const declared = { prod: ['222222222222'], dev: ['111111111111'] };
    assert.deepEqual(expectedAccountsFor(['333333333333'], 'prod', declared), ['333333333333', '222222222222']);
    assert.deepEqual(expectedAccountsFor(undefined, 'prod', declared), ['222222222222']);
    assert.deepEqual(expectedAccountsFor(undefined, 'other', declared), []);
    assert.equal(checkAccount(emptyState('p'), 'prod', expectedAccountsFor(undefined, 'prod', declared)).verdict, 'ok');
  });
});

describe('declared sessions: the mark in the state file', () => {
  const saml = { id: 's1', kind: 'iamRoleFederated', alias: 'corp', profileId: 'p', region: 'us-east-1', roleArn: 'r', idpUrl: 'u', samlProviderArn: 'a' };
  it('loads sessions and integrations written before the mark existed, and keeps a mark', () => {
    assert.equal(checkSession(saml, 'sessions[0]').ok, true);
    const marked = checkSession({ ...saml, declaredBy: { folder: 'file:///p', name: 'corp' } }, 'sessions[0]');
    assert.ok(marked.ok && marked.value.declaredBy?.folder === 'file:///p');
    assert.equal(checkIntegration({ id: 'i', alias: 'a', startUrl: 'u', ssoRegion: 'r', declaredBy: { folder: 'file:///p', name: 'a' } }, 'integrations[0]').ok, true);
  });
  it('refuses a mark without its folder', () => {
    const result = checkSession({ ...saml, declaredBy: { name: 'corp' } }, 'sessions[0]');
    assert.ok(!result.ok && /declaredBy\.folder/.test(result.reason), JSON.stringify(result));
  });
});
