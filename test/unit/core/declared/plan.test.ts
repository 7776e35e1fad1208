/** Planning and applying a folder's declared sessions: add what is missing, update only what the file created, leave the user's own alone. */
import assert from 'node:assert/strict';
import { parseDeclaredFile, type DeclaredFile } from '../../../../src/core/declared/file';
import { planDeclared, planFingerprint } from '../../../../src/core/declared/plan';
import { applyDeclaredPlan } from '../../../../src/core/declared/apply';
import { declaredPreview } from '../../../../src/core/declared/preview';
import { newId } from '../../../../src/core/ids';
import { ssoHarness, type SsoHarness } from '../../support/ssoHarness';
import { KEY, SECRET } from '../../support/sessionSetup';
import { GOOD, PORTAL } from './examples';

const FOLDER = 'file:///work/project';

function parsed(text: string): DeclaredFile {
  const result = parseDeclaredFile(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.file;
}

describe('declared sessions: plan and apply', function () {
  this.timeout(30000);
  let h: SsoHarness;
  beforeEach(async () => {
    h = await ssoHarness();
  });
  afterEach(() => h.close());

  const apply = async (file: DeclaredFile) => {
    const plan = planDeclared(await h.state.read(), file, FOLDER);
    const report = await applyDeclaredPlan({ state: h.state, editor: h.sessions.editor, sso: h.sso, newId, logger: h.logger }, plan, file);
    return { plan, report };
  };

  it('adds every missing integration and session, marked with the folder, assumers first', async () => {
    const file = parsed(GOOD);
    const plan = planDeclared(await h.state.read(), file, FOLDER);
    assert.deepEqual(plan.items.map((i) => `${i.action} ${i.what} ${i.alias}`), ['add integration acme', 'add session dev-admin', 'add session corp', 'add session prod-deploy']);
    const preview = declaredPreview(plan, 'project', file.expectedAccountIds);
    assert.match(preview, /To add/);
    assert.ok(!preview.includes('team-x'), 'the ExternalId is not shown');
    const report = await applyDeclaredPlan({ state: h.state, editor: h.sessions.editor, sso: h.sso, newId, logger: h.logger }, plan, file);
    assert.deepEqual(report.failed, []);
    const state = await h.state.read();
    assert.equal(state.integrations?.[0].startUrl, PORTAL);
    assert.deepEqual(state.integrations?.[0].declaredBy, { folder: FOLDER, name: 'acme' });
    const byAlias = new Map(state.sessions.map((s) => [s.alias, s]));
    const chained = byAlias.get('prod-deploy');
    assert.ok(chained?.kind === 'iamRoleChained');
    assert.equal(chained.assumerSessionId, byAlias.get('dev-admin')?.id);
    assert.equal(chained.externalId, 'team-x');
    assert.equal(chained.durationSeconds, 3600);
    const sso = byAlias.get('dev-admin');
    assert.ok(sso?.kind === 'awsSso');
    assert.deepEqual([sso.accountId, sso.roleName, sso.region, sso.integrationId], ['111111111111', 'AdministratorAccess', 'eu-west-1', state.integrations?.[0].id]);
    assert.equal(state.profiles.find((p) => p.id === byAlias.get('corp')?.profileId)?.name, 'corp');
    for (const s of state.sessions) assert.deepEqual(s.declaredBy, { folder: FOLDER, name: s.alias });
    // Applied: nothing left to do.
    const again = planDeclared(state, file, FOLDER);
    assert.deepEqual(again.items, []);
    assert.deepEqual(again.unchanged.sort(), ['acme', 'corp', 'dev-admin', 'prod-deploy']);
  });

  it('updates what the file created when it changes, and only that', async () => {
    await apply(parsed(GOOD));
    const changed = parsed(GOOD.replace('"durationSeconds": 3600', '"durationSeconds": 1800').replace('"profile": "corp"', '"profile": "corp-2"').replace('"team-x"', '"team-y"'));
    const { plan, report } = await apply(changed);
    assert.deepEqual(plan.items.map((i) => `${i.action} ${i.alias} ${'changes' in i ? i.changes.map((c) => `${c.key}:${c.from}→${c.to}`).join(',') : ''}`), [
      'update corp profile:corp→corp-2',
      'update prod-deploy externalId:(set)→(another value),durationSeconds:3600→1800',
    ]);
    assert.deepEqual(report.updated, ['corp', 'prod-deploy']);
    const state = await h.state.read();
    const chained = state.sessions.find((s) => s.alias === 'prod-deploy');
    assert.ok(chained?.kind === 'iamRoleChained');
    assert.deepEqual([chained.durationSeconds, chained.externalId, chained.declaredBy?.name], [1800, 'team-y', 'prod-deploy']);
    assert.equal(state.profiles.find((p) => p.id === state.sessions.find((s) => s.alias === 'corp')?.profileId)?.name, 'corp-2');
    assert.notEqual(planFingerprint(plan), planFingerprint(planDeclared(state, changed, FOLDER)));
  });

  it("leaves the user's own sessions and integrations alone, even with the same alias or portal", async () => {
    const mine = await h.sessions.editor.save('iamUser', { alias: 'corp', profile: 'mine', region: 'eu-west-2', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: '' });
    const portal = await h.sso.addIntegration({ alias: 'my-portal', startUrl: PORTAL, ssoRegion: 'eu-west-1' });
    const before = await h.state.read();
    const { plan, report } = await apply(parsed(GOOD));
    assert.deepEqual(plan.skipped.map((s) => s.alias).sort(), ['acme', 'corp']);
    assert.deepEqual(report.failed, []);
    const state = await h.state.read();
    assert.deepEqual(state.sessions.find((s) => s.id === mine.id), before.sessions.find((s) => s.id === mine.id), 'my session is unchanged and unmarked');
    assert.deepEqual(state.integrations, before.integrations, 'my integration is unchanged and unmarked; no second one');
    const sso = state.sessions.find((s) => s.alias === 'dev-admin');
    assert.ok(sso?.kind === 'awsSso' && sso.integrationId === portal.id, 'the declared role joins my integration of the same portal');
    // Declared sessions another folder's file created are not this folder's either.
    const other = planDeclared(state, parsed(GOOD), 'file:///work/other');
    assert.ok(other.items.every((i) => i.action !== 'update' && i.action !== 'release'));
  });

  it('the preview shows every value an added session declares, and says when it acts through something of yours', async () => {
    // A file's own profiles and assumers: nothing to point out.
    const own = declaredPreview(planDeclared(await h.state.read(), parsed(GOOD), FOLDER), 'project');
    assert.ok(!own.includes('Note:'), own);
    await h.sessions.editor.save('iamUser', { alias: 'prod-admin', profile: 'prod', region: 'eu-west-2', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: '' });
    const file = parsed(
      '{ "sessions": [{ "type": "chained", "alias": "project-tools", "assumer": "prod-admin", "roleArn": "arn:aws:iam::999999999999:role/Collector", "externalId": "hidden-id", "profile": "prod", "region": "eu-west-1" }] }',
    );
    const plan = planDeclared(await h.state.read(), file, FOLDER);
    assert.deepEqual(plan.items.map((i) => [i.action, i.alias]), [['add', 'project-tools']]);
    const preview = declaredPreview(plan, 'project');
    for (const shown of ['roleArn: arn:aws:iam::999999999999:role/Collector', 'assumer: prod\\-admin', 'profile: prod', 'externalId: \\(set\\)']) assert.ok(preview.split('\n').includes(`  - ${shown}`), `${shown} in:\n${preview}`);
    assert.match(preview, /Note: It delivers to the profile "prod", which your sessions "prod\\-admin" use too: starting it stops them and replaces the credentials of that profile\./);
    assert.match(preview, /Note: It assumes its role with the credentials of your session "prod\\-admin"\./);
    assert.ok(!preview.includes('hidden-id'), 'the ExternalId is not shown');
  });

  it('releases (keeps, unmarks) what the file no longer declares', async () => {
    await apply(parsed(GOOD));
    const smaller = parsed(GOOD.replace(/\{ "type": "saml".*\n/, '').replace('"profile": "dev" },', '"profile": "dev" }'));
    const { plan } = await apply(smaller);
    assert.deepEqual(plan.items.map((i) => `${i.action} ${i.alias}`), ['release corp']);
    const corp = (await h.state.read()).sessions.find((s) => s.alias === 'corp');
    assert.ok(corp && corp.declaredBy === undefined);
  });

  it('keeps the mark when the user edits a declared session in the form, so the file keeps it up to date', async () => {
    await apply(parsed(GOOD));
    const corp = (await h.state.read()).sessions.find((s) => s.alias === 'corp')!;
    await h.sessions.editor.save('iamRoleFederated', { alias: 'corp', profile: 'corp', region: 'us-west-2', roleArn: 'arn:aws:iam::333333333333:role/Reader', idpUrl: 'https://idp.example.com/app/amazon_aws/sso/saml', samlProviderArn: 'arn:aws:iam::333333333333:saml-provider/Okta' }, corp.id);
    const state = await h.state.read();
    assert.deepEqual(state.sessions.find((s) => s.id === corp.id)?.declaredBy, { folder: FOLDER, name: 'corp' });
    assert.deepEqual(planDeclared(state, parsed(GOOD), FOLDER).items.map((i) => `${i.action} ${i.alias}`), ['update corp']);
  });
});
