/** When the editor offers a folder's declared sessions: never untrusted, each change once, the command always. */
import assert from 'node:assert/strict';
import { checkAccount, expectedAccountsFor } from '../../../../src/core/guard';
import { emptyState } from '../../../../src/core/model';
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
