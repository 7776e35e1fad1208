/**
 * The tooltip lines of each session type (made on hover, not for every row of the tree), and what the tree's
 * facts keep of them: nothing, so building 10,000 rows formats no tooltip text.
 */
import * as assert from 'node:assert/strict';
import { emptyState, type PersistedState, type Session } from '../../../src/core/model';
import { integrationFolder } from '../../../src/core/sessions/awsSso';
import { sessionType } from '../../../src/core/sessions/registry';
import { deepFreeze } from '../../../src/core/stateStore';

function state(): PersistedState {
  const s = emptyState('p0');
  s.integrations = [{ id: 'i1', alias: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-west-1', accountCount: 2 }];
  const sessions: Session[] = [
    { id: 'u1', kind: 'iamUser', alias: 'dev', profileId: 'p0', region: 'eu-west-1', mfaSerial: 'arn:aws:iam::111111111111:mfa/me' },
    { id: 'u2', kind: 'iamUser', alias: 'plain', profileId: 'p0', region: 'eu-west-1' },
    { id: 'c1', kind: 'iamRoleChained', alias: 'role', profileId: 'p0', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/R', assumerSessionId: 'u1', durationSeconds: 900, sourceIdentity: 'me', externalId: 'secret-external-id' },
    { id: 'c2', kind: 'iamRoleChained', alias: 'orphan', profileId: 'p0', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/R', assumerSessionId: 'gone', roleSessionName: 'named' },
    { id: 'f1', kind: 'iamRoleFederated', alias: 'saml', profileId: 'p0', region: 'eu-west-1', roleArn: 'arn:aws:iam::333333333333:role/S', idpUrl: 'https://idp.example', samlProviderArn: 'arn:aws:iam::333333333333:saml-provider/P', durationSeconds: 3600 },
    { id: 's1', kind: 'awsSso', alias: 'sso-a', profileId: 'p0', region: 'eu-west-1', integrationId: 'i1', accountId: '444444444444', accountName: 'prod', roleName: 'Admin' },
    { id: 's2', kind: 'awsSso', alias: 'sso-b', profileId: 'p0', region: 'eu-west-1', integrationId: 'i1', accountId: '444444444444', accountName: 'prod', roleName: 'Reader' },
    { id: 's3', kind: 'awsSso', alias: 'sso-c', profileId: 'p0', region: 'eu-west-1', integrationId: 'deleted', accountId: '555555555555', accountName: 'old', roleName: 'Admin' },
  ];
  s.sessions.push(...sessions);
  return s;
}

const details = (s: PersistedState, id: string) => {
  const session = s.sessions.find((x) => x.id === id)!;
  return sessionType(session.kind).details?.(session, s);
};

describe('session tooltip details', () => {
  for (const frozen of [false, true]) {
    it(`each type's lines, from ${frozen ? 'a snapshot' : 'a draft'}`, () => {
      const s = frozen ? deepFreeze(state()) : state();
      assert.deepEqual(details(s, 'u1'), ['MFA device: arn:aws:iam::111111111111:mfa/me']);
      assert.deepEqual(details(s, 'u2'), ['No MFA device']);
      assert.deepEqual(details(s, 'c1'), ['Assumer: dev', 'Role session name: aws-sessions-role', 'Duration: 900 s', 'Source identity: me', 'External ID: set']);
      assert.deepEqual(details(s, 'c2'), ['Assumer: (deleted)', 'Role session name: named']);
      assert.deepEqual(details(s, 'f1'), ['IdP: https://idp.example', 'Provider: arn:aws:iam::333333333333:saml-provider/P', 'Duration: 3600 s']);
      assert.deepEqual(details(s, 's1'), ['Role: Admin', 'Integration: corp']);
      assert.deepEqual(details(s, 's3'), ['Role: Admin', 'Integration: (deleted integration)']);
      for (const session of s.sessions) assert.equal('details' in (sessionType(session.kind).describe?.(session, s) ?? {}), false, session.id);
    });
  }

  it("the roles of one integration share its folder in a snapshot; a draft's is made again", () => {
    const snapshot = deepFreeze(state());
    const path = (s: PersistedState, id: string) => sessionType('awsSso').describe!(s.sessions.find((x) => x.id === id)!, s).treePath!;
    assert.equal(path(snapshot, 's1')[0], path(snapshot, 's2')[0]);
    assert.deepEqual(path(snapshot, 's1')[0], integrationFolder(snapshot.integrations![0]));
    const draft = state();
    assert.deepEqual(path(draft, 's1')[0], integrationFolder(draft.integrations![0]));
    draft.integrations![0].accountCount = 5;
    assert.equal(path(draft, 's1')[0].description, '5 accounts');
    assert.deepEqual(path(snapshot, 's3')[0], integrationFolder({ id: 'deleted', alias: '(deleted integration)' }));
  });
});
