/**
 * Chained roles, SAML federation through a real (headless) Chromium, named profiles and the SAML
 * inspector, in a real VS Code against the local AWS double; the real AWS CLI reads the result.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EnvOverrides, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import { buildSamlAssertion, startLocalAws, type LocalAws } from '../double';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

describe('role sessions and profiles in VS Code', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();

  const callerArn = async (profile: string) => {
    const { stdout } = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--query', 'Arn', '--output', 'text'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SHARED_CREDENTIALS_FILE: api.credentialsFile, AWS_CONFIG_FILE: api.configFile, AWS_PROFILE: profile },
    });
    return stdout.trim();
  };

  before(async () => {
    aws = await startLocalAws({ samlSignatureRequired: true });
    process.env[EnvOverrides.samlSignInUrls] = `${aws.endpoint}/saml`;
    process.env[EnvOverrides.samlHeadless] = '1';
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id);
    delete process.env[EnvOverrides.samlSignInUrls];
    delete process.env[EnvOverrides.samlHeadless];
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('three chains on one MFA user started at once ask one MFA code; a chain three deep reaches the AWS CLI', async () => {
    const alice = aws.user('alice');
    const user = await api.service.editor.save('iamUser', { alias: 'alice-root', profile: 'alice', region: 'eu-west-1', accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey, mfaSerial: alice.mfaSerial! });
    const role = (n: string) => `arn:aws:iam::111111111111:role/${n}`;
    const a = await api.service.editor.save('iamRoleChained', { alias: 'chain-a', profile: 'chain-a', region: 'eu-west-1', roleArn: role('A'), assumerSessionId: user.id });
    const b = await api.service.editor.save('iamRoleChained', { alias: 'chain-b', profile: 'chain-b', region: 'eu-west-1', roleArn: role('B'), assumerSessionId: user.id });
    const c = await api.service.editor.save('iamRoleChained', { alias: 'chain-c', profile: 'chain-c', region: 'eu-west-1', roleArn: role('C'), roleSessionName: 'deep', assumerSessionId: b.id });
    const prompts: string[] = [];
    sandbox.stub(vscode.window, 'showInputBox').callsFake(async (o) => {
      prompts.push(o?.title ?? '');
      return aws.mfaCode(alice.mfaSerial!);
    });
    await Promise.all([a, b, c].map((s) => vscode.commands.executeCommand(Commands.startSession, s.id)));
    assert.equal(prompts.length, 1, prompts.join(' | '));
    assert.equal(aws.state.callLog().filter((x) => x.action === 'GetSessionToken').length, 1);
    const state = await api.service.state.read();
    for (const s of [a, b, c]) assert.equal(state.active[s.id]?.status, 'active', JSON.stringify(state.active[s.id]));
    assert.equal(await callerArn('chain-c'), 'arn:aws:sts::111111111111:assumed-role/C/deep');
    assert.equal(await callerArn('chain-a'), 'arn:aws:sts::111111111111:assumed-role/A/aws-sessions-chain-a');
  });

  it('a federated session signs in through headless Chromium on the IdP page; the POST is intercepted', async () => {
    const idpUrl = aws.idpUrl([ROLE], PROVIDER, `${aws.endpoint}/saml`, 'jane');
    const fed = await api.service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl, samlProviderArn: PROVIDER });
    const errors: string[] = [];
    sandbox.stub(vscode.window, 'showErrorMessage').callsFake(async (m: string) => {
      errors.push(m);
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.startSession, fed.id);
    assert.deepEqual(errors, []);
    assert.equal((await api.service.state.read()).active[fed.id]?.status, 'active');
    assert.equal(await callerArn('fed'), 'arn:aws:sts::111111111111:assumed-role/SamlDev/jane');
    const samlCalls = aws.state.callLog().filter((x) => x.action === 'AssumeRoleWithSAML');
    assert.equal(samlCalls.length, 1);
    assert.equal(samlCalls[0].status, 200);
    assert.equal(aws.state.callLog().filter((x) => x.service === 'idp').length, 1, 'one sign-in at the IdP');
    assert.equal(aws.state.callLog().filter((x) => x.service !== 'sts' && x.service !== 'idp').length, 0, 'the sign-in POST never reached a service');
    const tested = await api.service.editor.testCredentials('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLE, idpUrl, samlProviderArn: PROVIDER }, fed.id);
    assert.equal(tested.arn, 'arn:aws:sts::111111111111:assumed-role/SamlDev/jane');
  });

  it('a role the IdP does not offer fails with the reason, before calling AWS', async () => {
    const idpUrl = aws.idpUrl(['arn:aws:iam::111111111111:role/Other'], PROVIDER, `${aws.endpoint}/saml`, 'jane');
    const fed = await api.service.editor.save('iamRoleFederated', { alias: 'fed-wrong', profile: 'fed-wrong', region: 'eu-west-1', roleArn: ROLE, idpUrl, samlProviderArn: PROVIDER });
    const errors: string[] = [];
    sandbox.stub(vscode.window, 'showErrorMessage').callsFake(async (m: string) => {
      errors.push(m);
      return undefined;
    });
    const before = aws.state.callLog().filter((x) => x.action === 'AssumeRoleWithSAML').length;
    await vscode.commands.executeCommand(Commands.startSession, fed.id);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Session "fed-wrong": the response did not contain a valid SAML assertion: the configured role .*SamlDev.* is not among the roles the IdP offers: .*role\/Other/);
    assert.equal(aws.state.callLog().filter((x) => x.action === 'AssumeRoleWithSAML').length, before);
  });

  it('profiles: add, rename moves the active session to the new section, delete moves sessions to default', async () => {
    const bob = aws.user('bob');
    await vscode.commands.executeCommand(Commands.addProfile, 'ops');
    const s = await api.service.editor.save('iamUser', { alias: 'bob-ops', profile: 'ops', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    await vscode.commands.executeCommand(Commands.startSession, s.id);
    assert.match(readFileSync(api.credentialsFile, 'utf8'), /\[ops\]/);
    await vscode.commands.executeCommand(Commands.renameProfile, 'ops', 'operations');
    const text = readFileSync(api.credentialsFile, 'utf8');
    assert.ok(!/\[ops\]/.test(text) && /\[operations\]/.test(text), text);
    assert.equal(await callerArn('operations'), bob.arn);
    const errors: string[] = [];
    sandbox.stub(vscode.window, 'showErrorMessage').callsFake(async (m: string) => {
      errors.push(m);
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.renameProfile, 'default', 'main');
    assert.match(errors[0] ?? '', /"default" profile cannot be renamed/);
    await vscode.commands.executeCommand(Commands.deleteProfile, 'operations', { confirmed: true });
    const state = await api.service.state.read();
    assert.ok(!state.profiles.some((p) => p.name === 'operations'));
    assert.equal(state.profiles.find((p) => p.id === state.sessions.find((x) => x.id === s.id)!.profileId)?.name, 'default');
    assert.ok(!/\[operations\]/.test(readFileSync(api.credentialsFile, 'utf8')));
  });

  it('"Inspect SAML Assertion" explains a pasted assertion; "Create Chained Session" opens a pre-filled form', async () => {
    const text = await vscode.commands.executeCommand<string>(Commands.inspectSamlAssertion, buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }] }));
    assert.match(text, /Response did not contain a valid SAML assertion \(2 problems\)/);
    assert.match(text, /unsigned/);
    assert.match(text, /Recipient https:\/\/signin\.aws\.amazon\.com\/saml is not the AWS sign-in URL/, 'the test override of the sign-in URLs applies');
    const user = (await api.service.state.read()).sessions.find((s) => s.alias === 'alice-root')!;
    await vscode.commands.executeCommand(Commands.createChainedSession, user.id);
    // The extension's bundle has its own panel registry; the editor's tabs are what both see.
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    let tab: vscode.Tab | undefined;
    for (let i = 0; i < 40 && !tab; i++) {
      tab = tabs().find((t) => t.label === 'New IAM Role Chained session');
      if (!tab) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(tab, tabs().map((t) => t.label).join());
    await vscode.window.tabGroups.close(tab);
  });
});
