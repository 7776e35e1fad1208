/**
 * The tree, its menus, the status bar and the terminal environment in a real VS Code.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/sessionTree';
import { startLocalAws, type LocalAws } from '../double';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

/** Evaluate `view == X && viewItem =~ /re/` style when clauses for a context value (the subset our menus use). */
function shows(when: string | undefined, viewItem: string): boolean {
  if (!when) return true;
  return when.split('&&').every((raw) => {
    const clause = raw.trim();
    if (clause === 'view == awsSessions.sessions') return true;
    const m = /^viewItem =~ \/(.*)\/$/.exec(clause);
    if (m) return new RegExp(m[1]).test(viewItem);
    throw new Error(`unexpected clause ${clause}`);
  });
}

describe('views: tree, menus, status bar, terminal', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  let menus: MenuEntry[];
  const sandbox = sinon.createSandbox();
  const ids: string[] = [];

  before(async () => {
    aws = await startLocalAws();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    const extension = vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!;
    api = await extension.activate();
    await api.ready;
    menus = extension.packageJSON.contributes.menus['view/item/context'];
    const bob = aws.user('bob');
    for (const [alias, profile, region] of [
      ['view-dev', 'view-dev', 'eu-west-1'],
      ['view-prod', 'view-prod', 'us-east-2'],
      ['view-other', 'view-dev', 'ap-southeast-2'],
    ]) {
      const s = await api.service.editor.save('iamUser', { alias, profile, region, accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: alias === 'view-prod' ? 'arn:aws:iam::111111111111:mfa/prod' : '' });
      ids.push(s.id);
    }
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const id of ids) await api.service.editor.delete(id).catch(() => undefined);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  const children = (node?: TreeNode) => api.tree.getChildren(node);
  const sessionItem = (id: string) => api.tree.getTreeItem(api.tree.nodeFor(id)!);

  it('shows sessions under their type group with profile, region, state icon and a tooltip', async () => {
    await api.service.state.read().then((s) => api.tree.update(s));
    const group = children().find((n) => n.type === 'group' && n.id === 'group:iamUser');
    assert.ok(group, 'IAM User group');
    const aliases = children(group).map((n) => (n.type === 'session' ? n.session.alias : ''));
    assert.ok(['view-dev', 'view-other', 'view-prod'].every((a) => aliases.includes(a)), aliases.join());
    const item = sessionItem(ids[1]);
    assert.equal(item.label, 'view-prod');
    assert.equal(item.description, 'view-prod · us-east-2');
    assert.equal(item.id, `session:${ids[1]}`);
    assert.equal(item.contextValue, 'session:iamUser:inactive:unpinned:account:accessKey');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'circle-large-outline');
    assert.equal(item.tooltip, undefined, 'the tooltip comes on hover');
    const tooltip = (api.tree.resolveTreeItem(item, api.tree.nodeFor(ids[1])!).tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /Account: `111111111111`/);
    assert.match(tooltip, /Region: `us-east-2`/);
    assert.match(tooltip, /Delivery: not started/);
    assert.equal(api.tree.getParent(api.tree.nodeFor(ids[1])!)?.id, 'group:iamUser');
  });

  it('menus offer start for an inactive session and stop for an active one, pin or unpin, copy account only when known', async () => {
    const commandsFor = (contextValue: string) => menus.filter((m) => shows(m.when, contextValue)).map((m) => `${m.command}@${m.group?.startsWith('inline') ? 'inline' : 'menu'}`);
    const inactive = commandsFor('session:iamUser:inactive:unpinned');
    assert.ok(inactive.includes(`${Commands.startSession}@inline`) && !inactive.includes(`${Commands.stopSession}@inline`));
    assert.ok(inactive.includes(`${Commands.pin}@menu`) && !inactive.includes(`${Commands.unpin}@menu`));
    assert.ok(!inactive.includes(`${Commands.copyAccountId}@menu`));
    const active = commandsFor('session:iamUser:active:pinned:account:role');
    assert.ok(active.includes(`${Commands.stopSession}@inline`) && !active.includes(`${Commands.startSession}@inline`));
    assert.ok(active.includes(`${Commands.unpin}@menu`) && active.includes(`${Commands.copyAccountId}@menu`) && active.includes(`${Commands.copyRoleArn}@menu`));
    assert.ok(commandsFor('session:iamUser:inactive:unpinned:accessKey').includes(`${Commands.rotateAccessKey}@menu`) && !inactive.includes(`${Commands.rotateAccessKey}@menu`), 'rotate only a long-term key');
    assert.ok(active.includes(`${Commands.startSsmSession}@menu`) && !inactive.includes(`${Commands.startSsmSession}@menu`), 'SSM only on an active session');
    assert.ok(commandsFor('session:iamRoleFederated:inactive:unpinned:saml').includes(`${Commands.addSamlRoles}@menu`) && !inactive.includes(`${Commands.addSamlRoles}@menu`), 'other roles only of a SAML sign-in');
    const synced = commandsFor('session:awsSso:inactive:unpinned:account:undeletable');
    assert.ok(inactive.includes(`${Commands.deleteSession}@menu`) && !synced.includes(`${Commands.deleteSession}@menu`), 'delete only where the type allows it');
    assert.ok(synced.includes(`${Commands.editSession}@menu`) && synced.includes(`${Commands.startSession}@inline`));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const m of menus) assert.ok(registered.has(m.command), `${m.command} in a menu is registered`);
  });

  it('start turns the icon green, the status bar and the terminal follow; pin moves it to Pinned', async () => {
    await vscode.commands.executeCommand(Commands.startSession, ids[0]);
    const state = await api.service.state.read();
    api.tree.update(state);
    assert.equal(sessionItem(ids[0]).contextValue, 'session:iamUser:active:unpinned:accessKey');
    assert.equal((sessionItem(ids[0]).iconPath as vscode.ThemeIcon).id, 'pass-filled');
    assert.equal(api.terminalEnvironment.get('AWS_PROFILE')?.value, 'view-dev');
    assert.equal(api.terminalEnvironment.persistent, false);
    await vscode.commands.executeCommand(Commands.pin, ids[0]);
    api.tree.update(await api.service.state.read());
    const pinnedGroup = children()[0];
    assert.equal(pinnedGroup.id, 'group:pinned');
    assert.deepEqual(children(pinnedGroup).map((n) => n.id), [`session:${ids[0]}`]);
    await vscode.commands.executeCommand(Commands.unpin, ids[0]);
  });

  it('starting another session of the same profile stops the first', async () => {
    await vscode.commands.executeCommand(Commands.startSession, ids[2]);
    const state = await api.service.state.read();
    assert.equal(state.active[ids[0]], undefined);
    assert.equal(state.active[ids[2]]?.status, 'active');
    assert.equal(api.terminalEnvironment.get('AWS_REGION')?.value, 'ap-southeast-2');
  });

  it('a start re-renders the rows it changes alone: every other row keeps its handle, so a menu open on it still gets its row', async () => {
    api.tree.update(await api.service.state.read());
    const group = children().find((n) => n.id === 'group:iamUser')!;
    const rows = children(group); // what VS Code holds
    const events: (TreeNode | TreeNode[] | undefined)[] = [];
    const listening = api.tree.onDidChangeTreeData((e) => events.push(e));
    try {
      await vscode.commands.executeCommand(Commands.startSession, ids[0]); // and stops ids[2], of the same profile
      api.tree.update(await api.service.state.read());
    } finally {
      listening.dispose();
    }
    assert.ok(events.length > 0, 'the tree changed');
    assert.ok(events.every((e) => Array.isArray(e)), `rows, never the whole tree: ${events.map((e) => (Array.isArray(e) ? e.length : String(e))).join(', ')}`);
    const changed = events.flat() as TreeNode[];
    assert.deepEqual([...new Set(changed.map((n) => n.id))].sort(), [`session:${ids[0]}`, `session:${ids[2]}`].sort());
    const held = rows.find((n) => n.id === `session:${ids[0]}`)!;
    assert.ok(changed.includes(held), 'the object VS Code holds for the row, which it finds the row by');
    assert.equal(api.tree.getTreeItem(held).contextValue, 'session:iamUser:active:unpinned:accessKey', 'drawn as it is now');
    await vscode.commands.executeCommand(Commands.startSession, ids[2]);
  });

  it('change region restarts an active session in the new region', async () => {
    sandbox.stub(vscode.window, 'showQuickPick').callsFake(async (items) => {
      const list = (await items) as vscode.QuickPickItem[];
      return list.find((i) => i.label === 'eu-central-1');
    });
    await vscode.commands.executeCommand(Commands.changeRegion, ids[2]);
    const state = await api.service.state.read();
    assert.equal(state.sessions.find((s) => s.id === ids[2])?.region, 'eu-central-1');
    assert.equal(state.active[ids[2]]?.status, 'active');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(api.terminalEnvironment.get('AWS_REGION')?.value, 'eu-central-1');
  });

  it('the filter narrows the tree and clearing it restores every session', async () => {
    api.tree.update(await api.service.state.read());
    api.tree.setFilter('view-prod');
    const all = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...all(children(n))]);
    assert.deepEqual(all(children()).filter((n) => n.type === 'session').map((n) => (n.type === 'session' ? n.session.alias : '')), ['view-prod']);
    api.tree.setFilter('us-east-2 view');
    assert.equal(all(children()).filter((n) => n.type === 'session').length, 1);
    await vscode.commands.executeCommand(Commands.clearFilter);
    assert.ok(all(children()).filter((n) => n.type === 'session').length >= 3);
  });

  it('injects credentials into terminals only when opted in, and never persistently', async () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    assert.equal(api.terminalEnvironment.get('AWS_SECRET_ACCESS_KEY'), undefined);
    await config.update(Settings.terminalInjectCredentials, true, vscode.ConfigurationTarget.Global);
    try {
      const deadline = Date.now() + 5000;
      while (!api.terminalEnvironment.get('AWS_SESSION_TOKEN') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(api.terminalEnvironment.get('AWS_ACCESS_KEY_ID')?.value ?? '', /^ASIA/);
      assert.ok(api.terminalEnvironment.get('AWS_SESSION_TOKEN')?.value);
      assert.equal(api.terminalEnvironment.persistent, false);
    } finally {
      await config.update(Settings.terminalInjectCredentials, undefined, vscode.ConfigurationTarget.Global);
    }
    const deadline = Date.now() + 5000;
    while (api.terminalEnvironment.get('AWS_SESSION_TOKEN') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.terminalEnvironment.get('AWS_SESSION_TOKEN'), undefined);
    assert.equal(api.terminalEnvironment.get('AWS_PROFILE')?.value, 'view-dev');
  });

  it('terminal.delivery = endpoint: terminals get the endpoint variables instead of AWS_PROFILE, and the endpoint serves them', async () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const waitFor = async (done: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    };
    if (!(await api.service.state.read()).active[ids[0]]) await vscode.commands.executeCommand(Commands.startSession, ids[0]);
    await waitFor(() => api.terminalEnvironment.get('AWS_PROFILE')?.value === 'view-dev');
    await config.update(Settings.terminalDelivery, 'endpoint', vscode.ConfigurationTarget.Global);
    try {
      await waitFor(() => api.terminalEnvironment.get('AWS_CONTAINER_CREDENTIALS_FULL_URI') !== undefined);
      const url = api.terminalEnvironment.get('AWS_CONTAINER_CREDENTIALS_FULL_URI')?.value ?? '';
      const token = api.terminalEnvironment.get('AWS_CONTAINER_AUTHORIZATION_TOKEN')?.value ?? '';
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.ok(token.length >= 43);
      assert.equal(api.terminalEnvironment.get('AWS_PROFILE'), undefined);
      assert.equal(api.terminalEnvironment.get('AWS_REGION')?.value, 'eu-west-1');
      assert.equal(api.terminalEnvironment.persistent, false);
      const reply = await fetch(url, { headers: { Authorization: token } });
      assert.equal(reply.status, 200);
      assert.match(((await reply.json()) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
      assert.equal((await fetch(url)).status, 401);
    } finally {
      await config.update(Settings.terminalDelivery, undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(() => api.terminalEnvironment.get('AWS_PROFILE') !== undefined);
    assert.equal(api.terminalEnvironment.get('AWS_PROFILE')?.value, 'view-dev');
    assert.equal(api.terminalEnvironment.get('AWS_CONTAINER_AUTHORIZATION_TOKEN'), undefined);
  });

  it('does not touch the collection when nothing a terminal gets has changed', async () => {
    const spy = sandbox.spy(api.terminalEnvironment, 'replace');
    const clear = sandbox.spy(api.terminalEnvironment, 'clear');
    await api.service.editor.setPinned(ids[1], true); // a state change that terminals do not see
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(spy.callCount + clear.callCount, 0);
    await api.service.editor.setPinned(ids[1], false);
  });
});
