/**
 * Multi-selection in the sessions tree: a command invoked on one of several selected rows (VS Code passes the
 * clicked row and the selected rows) acts on all of them, in a real VS Code against the local AWS double.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/sessionTree';
import { startLocalAws, type LocalAws } from '../double';

describe('multi-select: start, stop, pin, region and delete on the tree selection', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();
  const ids: string[] = [];
  const node = (id: string): TreeNode => api.tree.nodeFor(id)!;
  /** (clicked, selected) as VS Code passes them from a row's context menu. */
  const onSelection = (command: string, selected: string[], ...rest: unknown[]) => vscode.commands.executeCommand(command, node(selected[0]), selected.map(node), ...rest);

  before(async () => {
    aws = await startLocalAws();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    await api.ready;
    const alice = aws.user('alice');
    const user = await api.service.editor.save('iamUser', { alias: 'multi-root', profile: 'multi-root', region: 'eu-west-1', accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey, mfaSerial: alice.mfaSerial! });
    ids.push(user.id);
    for (const x of ['a', 'b']) {
      const chain = await api.service.editor.save('iamRoleChained', { alias: `multi-chain-${x}`, profile: `multi-chain-${x}`, region: 'eu-west-1', roleArn: `arn:aws:iam::111111111111:role/${x}`, assumerSessionId: user.id });
      ids.push(chain.id);
    }
    const broken = await api.service.editor.save('iamUser', { alias: 'multi-broken', profile: 'multi-broken', region: 'eu-west-1', accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40), mfaSerial: '' });
    ids.push(broken.id);
    api.tree.update(await api.service.state.read());
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const id of ids) await api.service.editor.delete(id).catch(() => undefined);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('Start on a selection of two chains, their MFA user and a broken session: one MFA prompt, three started, one summary naming the failure', async () => {
    const alice = aws.user('alice');
    const prompts: string[] = [];
    sandbox.stub(vscode.window, 'showInputBox').callsFake(async (o) => {
      prompts.push(o?.title ?? '');
      return aws.mfaCode(alice.mfaSerial!);
    });
    const warnings: string[] = [];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake(async (message: string) => void warnings.push(message));
    await onSelection(Commands.startSession, [ids[1], ids[2], ids[0], ids[3]]);
    assert.equal(prompts.length, 1, prompts.join(' | '));
    const state = await api.service.state.read();
    assert.deepEqual(ids.map((id) => state.active[id]?.status), ['active', 'active', 'active', 'error']);
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.match(warnings[0], /^AWS Sessions: 3 of 4 sessions started\. Not done: "multi-broken": /);
  });

  it('Stop, Pin and Change Region on a selection act on every selected session; a single row still acts alone', async () => {
    const infos: string[] = [];
    sandbox.stub(vscode.window, 'showInformationMessage').callsFake(async (message: string) => void infos.push(message));
    await onSelection(Commands.stopSession, [ids[1], ids[2]]);
    let state = await api.service.state.read();
    assert.deepEqual(ids.map((id) => state.active[id]?.status), ['active', undefined, undefined, 'error']);
    await onSelection(Commands.pin, [ids[1], ids[2], ids[3]]);
    assert.deepEqual([...((await api.service.state.read()).pinned ?? [])].sort(), [ids[1], ids[2], ids[3]].sort());
    sandbox.stub(vscode.window, 'showQuickPick').callsFake(async (items) => ((await items) as vscode.QuickPickItem[]).find((i) => i.label === 'eu-north-1'));
    await onSelection(Commands.changeRegion, [ids[0], ids[1]]);
    state = await api.service.state.read();
    assert.deepEqual(ids.map((id) => state.sessions.find((s) => s.id === id)?.region), ['eu-north-1', 'eu-north-1', 'eu-west-1', 'eu-west-1']);
    assert.equal(state.active[ids[0]]?.status, 'active', 'the active one restarted in its new region');
    assert.deepEqual(infos, ['AWS Sessions: 2 of 2 sessions stopped.', 'AWS Sessions: 3 of 3 sessions pinned or unpinned.', 'AWS Sessions: 2 of 2 sessions moved.']);
    // One row selected: VS Code passes [row] second; the command acts on that row alone.
    await vscode.commands.executeCommand(Commands.unpin, node(ids[3]), [node(ids[3])]);
    assert.deepEqual([...((await api.service.state.read()).pinned ?? [])].sort(), [ids[1], ids[2]].sort());
  });

  it('Delete on a selection asks once, naming how many and which, then deletes them all', async () => {
    const asked: Array<{ message: string; detail?: string }> = [];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake(async (message: string, options?: vscode.MessageOptions | string) => {
      if (typeof options === 'object' && options.modal) {
        asked.push({ message, detail: options.detail });
        return 'Delete' as unknown as vscode.MessageItem;
      }
      return undefined;
    });
    sandbox.stub(vscode.window, 'showInformationMessage').resolves(undefined);
    await onSelection(Commands.deleteSession, [ids[1], ids[2], ids[3]]);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].message, 'Delete these 3 sessions: "multi-chain-a", "multi-chain-b", "multi-broken"?');
    const left = (await api.service.state.read()).sessions.map((s) => s.id);
    assert.ok(left.includes(ids[0]));
    assert.ok(![ids[1], ids[2], ids[3]].some((id) => left.includes(id)));
  });
});
