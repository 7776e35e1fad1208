/**
 * credential_process in a real VS Code: the extension host serves the IPC endpoint, writes the shim,
 * puts its folder on the terminals' PATH; a session started in credential_process mode writes only
 * credential_process + region, and the real AWS CLI gets its credentials through the shim.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EnvOverrides, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import { callEditor } from '../../src/core/ipc/client';
import { startLocalAws, type LocalAws } from '../double';

const run = promisify(execFile);
const FOREIGN_CONFIG = '[profile prod]\nregion = eu-central-1\n';

describe('credential_process served by the extension host', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();
  let credentialsBefore: string | undefined;

  before(async () => {
    aws = await startLocalAws();
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    await config.update(Settings.deliveryMode, 'credentialProcess', vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    mkdirSync(dirname(api.configFile), { recursive: true });
    writeFileSync(api.configFile, FOREIGN_CONFIG);
    credentialsBefore = existsSync(api.credentialsFile) ? readFileSync(api.credentialsFile, 'utf8') : undefined;
    const t0 = Date.now();
    while (!api.cli.isServing && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id);
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await config.update(Settings.deliveryMode, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('serves the endpoint with a private folder and token; the shim folder is on the terminal PATH', async () => {
    assert.equal(api.cli.isServing, true, 'the only window serves');
    assert.equal(statSync(api.cli.paths.dir).mode & 0o777, 0o700);
    assert.equal(statSync(api.cli.paths.endpoint).mode & 0o777, 0o600);
    assert.equal(statSync(api.cli.socket!).mode & 0o777, 0o600);
    // code-server runs plain Node: the shim is JavaScript run by that very Node, `generate` going to the lean bundle.
    const shim = readFileSync(api.cli.shimPath, 'utf8');
    assert.ok(shim.startsWith(`#!${process.execPath}\n`), shim);
    // generate and exec load their lean bundles; everything else the full CLI.
    assert.match(shim, /require\(process\.argv\[2\] === "generate" \? ".*\/dist\/generate\.js" : process\.argv\[2\] === "exec" \? ".*\/dist\/exec\.js" : ".*\/dist\/cli\.js"\);/);
    const path = api.terminalEnvironment.get('PATH');
    assert.equal(path?.type, vscode.EnvironmentVariableMutatorType.Prepend);
    assert.equal(path?.value, `${api.cli.binDir}:`);
    const reply = await callEditor(api.cli.paths, 'ping', {});
    assert.deepEqual(reply, { ok: true, result: { pid: process.pid } });
  });

  it('start writes only credential_process and region; the AWS CLI gets credentials via the shim with one MFA prompt; stop restores the bytes', async () => {
    const alice = aws.user('alice');
    const session = await api.service.editor.save('iamUser', {
      alias: 'alice-process',
      profile: 'cp',
      region: 'eu-west-1',
      accessKeyId: alice.accessKeyId,
      secretAccessKey: alice.secretAccessKey,
      mfaSerial: alice.mfaSerial!,
    });
    let prompts = 0;
    sandbox.stub(vscode.window, 'showInputBox').callsFake(async () => {
      prompts++;
      return aws.mfaCode(alice.mfaSerial!);
    });
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    const state = await api.service.state.read();
    assert.equal(state.active[session.id]?.status, 'active', JSON.stringify(state.active));
    assert.equal(readFileSync(api.configFile, 'utf8'), `${FOREIGN_CONFIG}\n[profile cp]\ncredential_process = ${api.cli.shimPath} generate ${session.id}\nregion = eu-west-1\n`);
    const env = { PATH: `${api.cli.binDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', AWS_CONFIG_FILE: api.configFile, AWS_SHARED_CREDENTIALS_FILE: api.credentialsFile, AWS_PROFILE: 'cp' };
    const results = await Promise.all([1, 2, 3].map(() => run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], { env })));
    for (const r of results) assert.equal(JSON.parse(r.stdout).Arn, alice.arn);
    assert.equal(prompts, 1, 'MFA asked once, at start');
    assert.equal(aws.state.callLog().filter((c) => c.action === 'GetSessionToken').length, 1);
    const generated = await run('aws-sessions', ['generate', 'alice-process'], { env });
    assert.equal(JSON.parse(generated.stdout).Version, 1);
    assert.equal(existsSync(api.credentialsFile) ? readFileSync(api.credentialsFile, 'utf8') : undefined, credentialsBefore, 'credentials file untouched');

    await vscode.commands.executeCommand(Commands.stopSession, session.id);
    assert.equal(readFileSync(api.configFile, 'utf8'), FOREIGN_CONFIG);
  });

  it('changing the delivery of an active session moves it to the credentials file and back, exactly', async () => {
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'bob-switch', profile: 'bob', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    await vscode.commands.executeCommand(Commands.startSession, session.id);
    assert.match(readFileSync(api.configFile, 'utf8'), /\[profile bob\]\ncredential_process = /);
    await vscode.commands.executeCommand(Commands.setDeliveryMode, session.id, 'credentialsFile');
    assert.match(readFileSync(api.credentialsFile, 'utf8'), /\[bob\]\naws_access_key_id = ASIA/);
    assert.doesNotMatch(readFileSync(api.configFile, 'utf8'), /credential_process/);
    await vscode.commands.executeCommand(Commands.setDeliveryMode, session.id, 'default');
    assert.match(readFileSync(api.configFile, 'utf8'), /credential_process = /);
    assert.equal(existsSync(api.credentialsFile) ? readFileSync(api.credentialsFile, 'utf8') : undefined, credentialsBefore);
    await vscode.commands.executeCommand(Commands.stopSession, session.id);
    assert.equal(readFileSync(api.configFile, 'utf8'), FOREIGN_CONFIG);
  });

  it('aws-sessions console prints a sign-in URL with --print, or opens the console from the serving window', async () => {
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'bob-console', profile: 'bob-console', region: 'eu-central-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const saved: Record<string, string | undefined> = {};
    for (const name of [EnvOverrides.federationEndpoint, EnvOverrides.consoleEndpoint]) {
      saved[name] = process.env[name];
      process.env[name] = aws.endpoint;
    }
    const opened: string[] = [];
    sandbox.stub(vscode.env, 'openExternal').callsFake(async (target: vscode.Uri) => {
      opened.push(String(target));
      return true;
    });
    try {
      const env = { PATH: `${api.cli.binDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '' };
      const printed = (await run('aws-sessions', ['console', 'bob-console', '--print'], { env })).stdout.trim();
      const login = new URL(printed);
      assert.equal(login.pathname, '/federation');
      assert.equal(login.searchParams.get('Action'), 'login');
      assert.equal(login.searchParams.get('Destination'), `${aws.endpoint}/console/home?region=eu-central-1`);
      assert.deepEqual(opened, [], '--print opens nothing');
      const openedOut = await run('aws-sessions', ['console', session.id], { env });
      assert.equal(openedOut.stdout, 'Opened the AWS console in the browser.\n');
      assert.equal(opened.length, 1);
      assert.equal(new URL(opened[0]).searchParams.get('Action'), 'logout');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
