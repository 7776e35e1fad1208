/**
 * IAM Identity Center in a real VS Code against the local double: log in (device code, then PKCE
 * through the loopback), sync into the tree (integration → account → role), start a role session and
 * read it with the real AWS CLI, log out.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSsoSession } from '../../src/core/model';
import type { AwsSessionsApi } from '../../src/extension';
import { startLocalAws, type LocalAws } from '../double';

const run = promisify(execFile);

describe('IAM Identity Center integration in VS Code', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();
  const config = () => vscode.workspace.getConfiguration(SETTINGS_SECTION);

  before(async () => {
    aws = await startLocalAws({ sso: { accounts: 4, roles: 2 } });
    for (const key of [Settings.stsEndpointUrl, Settings.ssoEndpointUrl, Settings.ssoOidcEndpointUrl]) await config().update(key, aws.endpoint, vscode.ConfigurationTarget.Global);
    await config().update(Settings.ssoLoginFlow, 'device', vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const i of (await api.service.state.read()).integrations ?? []) await api.sso.deleteIntegration(i.id);
    for (const key of [Settings.stsEndpointUrl, Settings.ssoEndpointUrl, Settings.ssoOidcEndpointUrl, Settings.ssoLoginFlow]) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('device login → sync into the tree → start a role → the AWS CLI uses it → log out', async () => {
    const integration = await api.sso.addIntegration({ alias: 'acme', startUrl: aws.ssoStartUrl!, ssoRegion: 'eu-west-1' });
    const opened: string[] = [];
    sandbox.stub(vscode.env, 'openExternal').callsFake(async (uri: vscode.Uri) => {
      const url = uri.toString(true);
      opened.push(url);
      // The user confirms the code in the browser.
      const code = new URL(url).searchParams.get('user_code');
      if (code) aws.sso.decide(code, true);
      return true;
    });
    await vscode.commands.executeCommand(Commands.loginIntegration, integration.id);
    assert.equal(opened.length, 1);
    assert.match(opened[0], /\/device\?user_code=[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(await api.ssoAccess.loginState(integration.id), 'loggedIn');

    const state = await api.service.state.read();
    const sessions = state.sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');
    assert.equal(sessions.length, 8, 'login is followed by a sync: 4 accounts × 2 roles');
    assert.equal(state.integrations?.[0].accountCount, 4);
    assert.ok(!readFileSync(api.stateFile, 'utf8').includes('aoa'), 'no portal token in the state file');

    // The tree: IAM Identity Center → acme → account-0002 (200000000002) → ReadOnlyAccess.
    const tree = api.tree;
    const root = tree.getChildren().find((n) => n.type === 'group' && n.label === 'IAM Identity Center')!;
    const integrationNode = tree.getChildren(root).find((n) => n.type === 'group' && n.label === 'acme')!;
    await new Promise((r) => setTimeout(r, 200)); // login state is read asynchronously
    assert.equal(tree.getTreeItem(integrationNode).contextValue, 'ssoIntegration:loggedIn');
    const accounts = tree.getChildren(integrationNode);
    assert.deepEqual(accounts.map((a) => tree.getTreeItem(a).label), ['account-0001', 'account-0002', 'account-0003', 'account-0004']);
    assert.equal(tree.getTreeItem(accounts[1]).description, '200000000002');
    const roles = tree.getChildren(accounts[1]);
    assert.deepEqual(roles.map((r) => tree.getTreeItem(r).label), ['AdministratorAccess', 'ReadOnlyAccess']);
    const role = roles[1];
    assert.equal(tree.getParent(role), accounts[1]);
    assert.ok(role.type === 'session');
    assert.equal(tree.getTreeItem(role).contextValue, 'session:awsSso:inactive:unpinned:account:undeletable', 'a sync would bring a deleted role back');
    assert.equal((tree.getTreeItem(root).iconPath as vscode.ThemeIcon).id, 'key');
    assert.equal((tree.getTreeItem(accounts[1]).iconPath as vscode.ThemeIcon).id, 'account');

    await vscode.commands.executeCommand(Commands.startSession, role.session.id);
    assert.equal((await api.service.state.read()).active[role.session.id]?.status, 'active');
    const { stdout } = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SHARED_CREDENTIALS_FILE: api.credentialsFile, AWS_CONFIG_FILE: api.configFile, AWS_PROFILE: 'account-0002-ReadOnlyAccess' },
    });
    assert.match(JSON.parse(stdout).Arn, /^arn:aws:sts::200000000002:assumed-role\/AWSReservedSSO_ReadOnlyAccess_/);

    await vscode.commands.executeCommand(Commands.logoutIntegration, integration.id);
    assert.equal(await api.ssoAccess.loginState(integration.id), 'loggedOut');
    assert.equal((await api.service.state.read()).active[role.session.id], undefined, 'stopped by the logout');
    assert.ok(!existsSync(api.credentialsFile) || !/aws_session_token/.test(readFileSync(api.credentialsFile, 'utf8')), 'credentials withdrawn');
    assert.equal((await api.service.state.read()).sessions.filter((s) => s.kind === 'awsSso').length, 8, 'sessions kept');
    assert.equal(aws.state.callLog().filter((c) => c.action === 'Logout').length, 1);
  });

  it('PKCE login through the loopback redirect in the extension host, then delete the integration', async () => {
    await config().update(Settings.ssoLoginFlow, 'pkce', vscode.ConfigurationTarget.Global);
    const integration = await api.sso.addIntegration({ alias: 'pkce-org', startUrl: aws.ssoStartUrl!, ssoRegion: 'us-east-1' });
    sandbox.stub(vscode.env, 'openExternal').callsFake(async (uri: vscode.Uri) => {
      // A browser: the portal redirects to the extension's loopback listener.
      const res = await fetch(uri.toString(true), { redirect: 'follow' });
      await res.text();
      return res.ok;
    });
    await vscode.commands.executeCommand(Commands.loginIntegration, integration.id);
    assert.equal(await api.ssoAccess.loginState(integration.id), 'loggedIn');
    assert.equal(aws.state.callLog().filter((c) => c.action === 'Authorize').length, 1);
    const count = (await api.service.state.read()).sessions.filter((s) => s.kind === 'awsSso' && s.integrationId === integration.id).length;
    assert.equal(count, 8);
    await vscode.commands.executeCommand(Commands.deleteIntegration, integration.id, { confirmed: true });
    const after = await api.service.state.read();
    assert.ok(!after.integrations?.some((i) => i.id === integration.id));
    assert.equal(after.sessions.filter((s) => s.kind === 'awsSso' && s.integrationId === integration.id).length, 0);
  });
});
