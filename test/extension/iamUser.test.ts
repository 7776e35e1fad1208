/**
 * The walking skeleton in a real VS Code: an IAM User session from SecretStorage to the credentials file,
 * the config file and the terminal environment, against the local AWS double; the real AWS CLI reads the result.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import { startLocalAws, type LocalAws } from '../double';

const run = promisify(execFile);
const FOREIGN_CREDENTIALS = '# my keys\r\n[prod]\r\naws_access_key_id = AKIAFOREIGN000000001\r\n; keep me\r\naws_secret_access_key = foreignSecretValue0000000000000000000000\r\n';
const FOREIGN_CONFIG = '[profile prod]\nregion = eu-central-1\noutput = json\n# trailing comment, no newline';

describe('IAM User session in VS Code', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();

  before(async () => {
    aws = await startLocalAws();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    const extension = vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!;
    api = await extension.activate();
    await api.ready;
    for (const [file, text] of [
      [api.credentialsFile, FOREIGN_CREDENTIALS],
      [api.configFile, FOREIGN_CONFIG],
    ]) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('starts with one MFA prompt, writes the profile, sets the terminal environment, and stop restores every byte', async () => {
    const alice = aws.user('alice');
    const session = await api.service.editor.save('iamUser', {
      alias: 'alice-dev',
      profile: 'default',
      region: 'eu-west-1',
      accessKeyId: alice.accessKeyId,
      secretAccessKey: alice.secretAccessKey,
      mfaSerial: alice.mfaSerial!,
    });
    assert.deepEqual([...(await api.service.editor.storedSecrets(session.id, ['accessKeyId', 'secretAccessKey']))].sort(), ['accessKeyId', 'secretAccessKey']);
    const stateText = readFileSync(api.stateFile, 'utf8');
    assert.ok(!stateText.includes(alice.secretAccessKey) && !stateText.includes(alice.accessKeyId), 'long-term keys stay out of the state file');

    const prompts: string[] = [];
    sandbox.stub(vscode.window, 'showInputBox').callsFake(async (options) => {
      prompts.push(options?.title ?? '');
      return aws.mfaCode(alice.mfaSerial!);
    });
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.equal(prompts.length, 1);
    assert.match(prompts[0], /alice-dev/);

    const state = await api.service.state.read();
    assert.equal(state.active[session.id]?.status, 'active', JSON.stringify(state.active));
    const credentials = readFileSync(api.credentialsFile, 'utf8');
    assert.ok(credentials.startsWith(FOREIGN_CREDENTIALS), 'foreign bytes kept');
    assert.match(credentials, /\[default\]\r\naws_access_key_id = ASIA[A-Z0-9]+\r\naws_secret_access_key = \S+\r\naws_session_token = \S+\r\n$/);
    assert.ok(!credentials.includes(alice.secretAccessKey), 'no long-term secret in the credentials file');
    assert.match(readFileSync(api.configFile, 'utf8'), /\[default\]\nregion = eu-west-1/);

    const env = api.terminalEnvironment;
    assert.equal(env.persistent, false);
    assert.equal(env.get('AWS_PROFILE')?.value, 'default');
    assert.equal(env.get('AWS_REGION')?.value, 'eu-west-1');
    assert.equal(env.get('AWS_DEFAULT_REGION')?.value, 'eu-west-1');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) assert.equal(env.get(name), undefined);

    if (existsSync('/usr/bin/aws')) {
      const { stdout } = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SHARED_CREDENTIALS_FILE: api.credentialsFile, AWS_CONFIG_FILE: api.configFile, AWS_PROFILE: 'default' },
      });
      assert.equal(JSON.parse(stdout).Arn, alice.arn);
    } else {
      assert.fail('/usr/bin/aws is missing: .ci/run installs Debian awscli');
    }

    // Restart reuses the cached session token: no second prompt, no second GetSessionToken.
    await vscode.commands.executeCommand(Commands.stopSession, session.id);
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.equal(prompts.length, 1);
    assert.equal(aws.state.callLog().filter((c) => c.action === 'GetSessionToken').length, 1);

    await vscode.commands.executeCommand(Commands.stopSession, session.id);
    assert.equal(readFileSync(api.credentialsFile, 'utf8'), FOREIGN_CREDENTIALS);
    assert.equal(readFileSync(api.configFile, 'utf8'), FOREIGN_CONFIG);
    assert.equal(env.get('AWS_PROFILE'), undefined);
  });

  it('a wrong MFA code gets an error naming the session and the cause, and nothing stored is lost', async () => {
    const alice = aws.user('alice');
    const session = await api.service.editor.save('iamUser', {
      alias: 'alice-wrong-mfa',
      profile: 'mfa-test',
      region: 'us-east-1',
      accessKeyId: alice.accessKeyId,
      secretAccessKey: alice.secretAccessKey,
      mfaSerial: alice.mfaSerial!,
    });
    const good = aws.mfaCode(alice.mfaSerial!);
    sandbox.stub(vscode.window, 'showInputBox').resolves(good === '000000' ? '111111' : '000000');
    const errors: string[] = [];
    sandbox.stub(vscode.window, 'showErrorMessage').callsFake(async (message: string) => {
      errors.push(message);
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Session "alice-wrong-mfa": STS GetSessionToken failed: AccessDenied/);
    assert.match(errors[0], /MFA code was refused/);
    const state = await api.service.state.read();
    assert.equal(state.active[session.id]?.status, 'error');
    assert.ok(state.sessions.some((s) => s.id === session.id));
    assert.equal((await api.service.editor.storedSecrets(session.id, ['accessKeyId', 'secretAccessKey'])).size, 2);
    assert.equal(readFileSync(api.credentialsFile, 'utf8'), FOREIGN_CREDENTIALS);
  });

  it('delete removes the session and its secrets', async () => {
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'bob-delete', profile: 'bob', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.match(readFileSync(api.credentialsFile, 'utf8'), /\[bob\]/);
    await vscode.commands.executeCommand(Commands.deleteSession, session.id, { confirmed: true });
    assert.equal((await api.service.editor.storedSecrets(session.id, ['accessKeyId', 'secretAccessKey', 'sessionCredentials'])).size, 0);
    assert.ok(!(await api.service.state.read()).sessions.some((s) => s.id === session.id));
    assert.equal(readFileSync(api.credentialsFile, 'utf8'), FOREIGN_CREDENTIALS);
  });

  it('an unreachable endpoint gets an error naming the session, the endpoint and the fix', async () => {
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'bob-offline', profile: 'offline', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.stsEndpointUrl, 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    const errors: string[] = [];
    sandbox.stub(vscode.window, 'showErrorMessage').callsFake(async (message: string) => {
      errors.push(message);
      return undefined;
    });
    try {
      await vscode.commands.executeCommand(Commands.startSession, session.id);
    } finally {
      await config.update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    }
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Session "bob-offline": STS GetSessionToken could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    assert.match(errors[0], /Check that the endpoint is running/);
    assert.equal((await api.service.editor.storedSecrets(session.id, ['accessKeyId', 'secretAccessKey'])).size, 2);
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.equal((await api.service.state.read()).active[session.id]?.status, 'active', 'works again once the endpoint is back');
    await vscode.commands.executeCommand(Commands.stopSession, session.id);
  });

  it('the edit form gets "stored" flags, never a stored secret', async () => {
    const alice = aws.user('alice');
    const session = await api.service.editor.save('iamUser', { alias: 'alice-form', profile: 'form', region: 'us-east-1', accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey, mfaSerial: '' });
    const posted: unknown[] = [];
    const panels: vscode.WebviewPanel[] = [];
    const create = vscode.window.createWebviewPanel.bind(vscode.window);
    sandbox.stub(vscode.window, 'createWebviewPanel').callsFake((...args: Parameters<typeof vscode.window.createWebviewPanel>) => {
      const panel = create(...args);
      const post = panel.webview.postMessage.bind(panel.webview);
      try {
        panel.webview.postMessage = (message: unknown) => {
          posted.push(message);
          return post(message);
        };
      } catch (error) {
        posted.push({ type: 'spy-failed', error: String(error) });
      }
      panels.push(panel);
      return panel;
    });
    await vscode.commands.executeCommand(Commands.editSession, session.id);
    const deadline = Date.now() + 20_000;
    while (!posted.some((m) => (m as { type?: string }).type === 'init') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const init = posted.find((m) => (m as { type?: string }).type === 'init') as { storedSecrets: string[]; values: Record<string, string> } | undefined;
    assert.equal(panels.length, 1);
    assert.match(panels[0].webview.html, /default-src 'none'/);
    assert.match(panels[0].webview.html, /<script nonce="[A-Za-z0-9+/=]+" src=/);
    assert.doesNotMatch(panels[0].webview.html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.equal(panels[0].webview.options.localResourceRoots?.length, 2);
    assert.ok(init, `the page received its init message: ${JSON.stringify(posted)}`);
    assert.deepEqual([...init.storedSecrets].sort(), ['accessKeyId', 'secretAccessKey']);
    assert.equal(init.values.alias, 'alice-form');
    assert.equal(init.values.deliveryMode, 'default', 'the delivery choice is part of every form');
    const everything = JSON.stringify(posted);
    assert.ok(!everything.includes(alice.secretAccessKey) && !everything.includes(alice.accessKeyId), 'no stored secret sent to the page');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
