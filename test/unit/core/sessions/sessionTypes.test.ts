import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UserFacingError, ValidationError } from '../../../../src/core/errors';
import { emptyState, type AwsSsoSession, type IamUserSession, type PersistedState } from '../../../../src/core/model';
import { sessionType, sessionTypes } from '../../../../src/core/sessions/registry';
import { sessionFromForm } from '../../../../src/core/sessions/sessionForm';
import { buildTreeModel, type GroupNode } from '../../../../src/core/treeModel';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const base = { id: 's1', profileId: '' };
const none = new Set<never>();

function ssoState(): PersistedState {
  const state = emptyState('p0');
  state.integrations = [
    { id: 'i1', alias: 'acme', startUrl: 'https://acme.awsapps.com/start', ssoRegion: 'eu-west-1', accountCount: 1 },
    { id: 'i2', alias: 'fresh', startUrl: 'https://fresh.awsapps.com/start', ssoRegion: 'eu-west-1' },
  ];
  const role: AwsSsoSession = { id: 'r1', kind: 'awsSso', alias: 'acme-admin', profileId: 'p0', region: 'eu-west-1', integrationId: 'i1', accountId: '300000000000', accountName: 'prod', roleName: 'Admin' };
  const user: IamUserSession = { id: 'u1', kind: 'iamUser', alias: 'dev', profileId: 'p0', region: 'eu-west-1' };
  state.sessions.push(role, user);
  return state;
}

describe('session types own their special cases', () => {
  it('each type says its icon and origin; only the types users make are offered to create', () => {
    for (const type of sessionTypes()) assert.match(type.icon, /^[a-z-]+$/, `${type.kind} has a codicon id`);
    assert.deepEqual(sessionTypes().filter((t) => t.origin === 'user').map((t) => t.kind), ['iamUser', 'iamRoleChained', 'iamRoleFederated']);
    assert.equal(sessionType('awsSso').origin, 'integration');
  });

  it('an integration session may not be deleted (its refusal names it and says what to do) and knows its integration', () => {
    const state = ssoState();
    const [role, user] = state.sessions;
    assert.match(sessionType('awsSso').deleteRefusal!(role), /^Session "acme-admin" comes from an IAM Identity Center integration.*Delete the integration instead/);
    assert.equal(sessionType('iamUser').deleteRefusal, undefined);
    assert.equal(sessionType('awsSso').integrationOf!(role), 'i1');
    assert.equal(sessionType('iamUser').integrationOf?.(user), undefined);
  });

  it('the tree takes group icons and deletability from the type, folder icons from the folder', () => {
    const model = buildTreeModel(ssoState(), { mode: 'grouped', now: NOW });
    const groups = (nodes = model.roots): GroupNode[] => nodes.flatMap((n) => (n.type === 'group' ? [n, ...groups(model.children(n))] : []));
    assert.deepEqual(
      groups().map((g) => `${g.id} ${g.icon}`),
      ['group:iamUser person', 'group:awsSso key', 'path:sso-integration:i1 organization', 'path:sso-account:i1:300000000000 account', 'path:sso-integration:i2 organization'],
    );
    assert.equal(model.sessionNode('r1')!.deletable, false);
    assert.equal(model.sessionNode('u1')!.deletable, true);
  });

  it('menus test what a session allows, never its kind', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    const items = pkg.contributes.menus['view/item/context'];
    const kinds = sessionTypes().map((t) => t.kind);
    for (const item of items) for (const kind of kinds) assert.ok(!item.when?.includes(kind), `${item.command}: "${item.when}" names the kind ${kind}`);
    const del = items.find((i) => i.command === 'awsSessions.deleteSession')!;
    const regex = new RegExp(/viewItem =~ \/(.*)\/$/.exec(del.when!)![1]);
    assert.ok(regex.test('session:iamUser:inactive:unpinned:account'));
    assert.ok(regex.test('session:anyNewKind:active:pinned'));
    assert.ok(!regex.test('session:awsSso:inactive:unpinned:account:role:undeletable'));
  });

  it('checks between fields run only on fields whose own rule passed', () => {
    const federated = sessionType('iamRoleFederated');
    const form = { alias: 'corp', profile: 'p', region: 'eu-west-1', idpUrl: 'https://idp.example.com/saml', roleArn: 'arn:aws:iam::111111111111:role/Admin', samlProviderArn: 'arn:aws:iam::222222222222:saml-provider/Okta' };
    const problems = (values: Record<string, string>, type = federated) => {
      try {
        sessionFromForm(type, values, base, undefined, none);
        return [];
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return error.problems.map((p) => `${p.field}: ${p.message}`);
      }
    };
    assert.deepEqual(problems(form), ['samlProviderArn: the provider is in account 222222222222 but the role in 111111111111; AWS wants both in the same account']);
    assert.deepEqual(problems({ ...form, roleArn: 'arn:aws:iam::1:role/Admin' }).map((p) => p.split(':')[0]), ['roleArn'], 'no account comparison with a bad role ARN');
    assert.match(problems({ ...form, region: 'cn-north-1', samlProviderArn: 'arn:aws:iam::111111111111:saml-provider/Okta' }).join(), /roleArn: this ARN is in partition aws but region cn-north-1 is in aws-cn/);
    const chained = { alias: 'c', profile: 'p', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Admin', roleSessionName: '', assumerSessionId: base.id };
    assert.deepEqual(problems(chained, sessionType('iamRoleChained')), ['assumerSessionId: a session cannot assume a role with its own credentials']);
  });

  it('a form builds its session: blank profile means default, delivery kept unless chosen, blank stored secrets kept', () => {
    const type = sessionType('iamUser');
    const existing: IamUserSession = { id: 's1', kind: 'iamUser', alias: 'dev', profileId: 'p1', region: 'eu-west-1', deliveryMode: 'credentialProcess' };
    const edit = sessionFromForm(type, { alias: ' dev2 ', profile: ' ', region: 'us-east-1', accessKeyId: '', secretAccessKey: '', mfaSerial: '' }, base, existing, new Set(['accessKeyId', 'secretAccessKey'] as const));
    assert.equal(edit.profileName, 'default');
    assert.deepEqual(edit.secrets, {});
    assert.deepEqual(edit.session, { id: 's1', kind: 'iamUser', alias: 'dev2', profileId: '', region: 'us-east-1', mfaSerial: undefined, deliveryMode: 'credentialProcess' });
    const reset = sessionFromForm(type, { alias: 'dev', region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: '', deliveryMode: 'default' }, base, existing, new Set(['secretAccessKey'] as const));
    assert.equal(reset.session.deliveryMode, undefined);
    assert.deepEqual(reset.secrets, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    assert.throws(() => sessionFromForm(sessionType('awsSso'), { profile: 'default', region: 'eu-west-1' }, base, undefined, none), (e: unknown) => e instanceof UserFacingError && /created by syncing/.test(e.message));
  });
});
