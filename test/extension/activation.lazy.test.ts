/**
 * The modules not every window needs (dist/lazy/*.js) load on their first command, in a window where
 * nothing used them yet (this file runs first), and each command works then: the doctor opens its report,
 * import runs its plan, the IAM Identity Center and session forms open, Copy Console URL makes a sign-in
 * link, the SAML inspector reads an assertion.
 */
import * as assert from 'node:assert/strict';
import { sep } from 'node:path';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, EnvOverrides, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { ImportResult } from '../../src/core/import/apply';
import type { Finding } from '../../src/core/doctor/types';
import { buildSamlAssertion, startLocalAws, type LocalAws } from '../double';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('modules loaded on first use, in a fresh window', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  let lazyDir: string;
  const sandbox = sinon.createSandbox();
  const original: Record<string, string | undefined> = {};
  /** The lazy bundles this extension host has loaded, by name. */
  const loaded = () => Object.keys(require.cache).filter((path) => path.startsWith(lazyDir)).map((path) => path.slice(lazyDir.length).replace(/\.js$/, '')).sort();
  /** The view types of the webview tabs open now. */
  const webviews = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((tab) => (tab.input instanceof vscode.TabInputWebview ? [tab.input.viewType] : []));
  async function opened(viewType: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!webviews().some((v) => v.endsWith(viewType)) && Date.now() < deadline) await sleep(100);
    assert.ok(webviews().some((v) => v.endsWith(viewType)), `${viewType} is open (open: ${webviews().join(', ')})`);
  }

  before(async () => {
    aws = await startLocalAws();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    for (const name of [EnvOverrides.federationEndpoint, EnvOverrides.consoleEndpoint]) {
      original[name] = process.env[name];
      process.env[name] = aws.endpoint;
    }
    const extension = vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!;
    lazyDir = `${extension.extensionPath}${sep}dist${sep}lazy${sep}`;
    api = await extension.activate();
    await api.ready;
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id).catch(() => undefined);
    for (const [k, v] of Object.entries(original)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('activation loads none of them', () => {
    assert.deepEqual(loaded(), []);
  });

  it('the doctor opens its report on first use', async () => {
    const findings = await vscode.commands.executeCommand<Finding[] | undefined>(Commands.diagnose);
    assert.ok(Array.isArray(findings) && findings.length > 0, 'the doctor returned findings');
    await opened('awsSessions.doctor');
    assert.ok(loaded().includes('doctor'));
  });

  it('import runs its plan on first use (and stops at the confirmation)', async () => {
    const asked: string[] = [];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake((async (message: string) => void asked.push(message)) as never);
    sandbox.stub(vscode.window, 'showInformationMessage').callsFake((async (message: string) => void asked.push(message)) as never);
    const result = await vscode.commands.executeCommand<ImportResult | undefined>(Commands.importProfiles);
    assert.equal(result, undefined, 'nothing imported without a yes');
    assert.ok(asked.length > 0, 'the plan was told (what to import, or that there is nothing)');
    assert.ok(loaded().includes('import'));
  });

  it('the IAM Identity Center integration form and the session form open on first use', async () => {
    await vscode.commands.executeCommand(Commands.addIntegration);
    await opened('awsSessions.integrationForm');
    assert.ok(loaded().includes('sso'));
    await vscode.commands.executeCommand(Commands.addSession, 'iamUser');
    await opened('awsSessions.sessionForm');
    assert.ok(loaded().includes('sessionForm'));
  });

  it('Copy Console URL makes a sign-in link on first use', async () => {
    const bob = aws.user('bob');
    const base = await api.service.editor.save('iamUser', { alias: 'lazy-console', profile: 'lazy-console', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey });
    const copied = await vscode.commands.executeCommand<string | undefined>(Commands.copyConsoleUrl, base.id);
    assert.ok(copied, 'a URL was made');
    assert.equal(new URL(copied).pathname, '/federation');
    assert.equal(await vscode.env.clipboard.readText(), copied);
    assert.ok(loaded().includes('console'));
  });

  it('the SAML inspector reads an assertion on first use', async () => {
    const role = 'arn:aws:iam::111111111111:role/LazyRole';
    const text = await vscode.commands.executeCommand<string>(Commands.inspectSamlAssertion, buildSamlAssertion({ roles: [{ roleArn: role, principalArn: 'arn:aws:iam::111111111111:saml-provider/Lazy' }] }));
    assert.ok(text.includes(role), text);
    assert.ok(loaded().includes('samlAssertion'));
  });
});
