/** When the editor offers a folder's declared sessions: never untrusted, each change once, the command always. */
import assert from 'node:assert/strict';
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
