/**
 * Issue 7 in a real VS Code against the local AWS double: the console sign-in URL of a chained session,
 * import from ~/.aws (keys into SecretStorage, out of the file only after confirmation, with a backup),
 * and the credentials doctor with its report.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, EnvOverrides, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { ImportResult } from '../../src/core/import/apply';
import type { Finding } from '../../src/core/doctor/types';
import { startLocalAws, type LocalAws } from '../double';

describe('console sign-in, import and doctor in VS Code', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();
  const original: Record<string, string | undefined> = {};

  before(async () => {
    aws = await startLocalAws();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.consoleSessionDuration, 1800, vscode.ConfigurationTarget.Global);
    for (const name of [EnvOverrides.federationEndpoint, EnvOverrides.consoleEndpoint]) {
      original[name] = process.env[name];
      process.env[name] = aws.endpoint;
    }
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    await api.ready;
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id).catch(() => undefined);
    for (const [k, v] of Object.entries(original)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.consoleSessionDuration, undefined, vscode.ConfigurationTarget.Global);
    await aws.close();
  });

  it('Open AWS Console on a chained session: signs out, then signs in to the console of its region; Copy Console URL copies the sign-in link', async () => {
    const bob = aws.user('bob');
    const base = await api.service.editor.save('iamUser', { alias: 'console-base', profile: 'console-base', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey });
    const chained = await api.service.editor.save('iamRoleChained', { alias: 'console-admin', profile: 'console-admin', region: 'eu-central-1', roleArn: 'arn:aws:iam::111111111111:role/ConsoleAdmin', assumerSessionId: base.id });
    const opened: string[] = [];
    sandbox.stub(vscode.env, 'openExternal').callsFake(async (target: vscode.Uri) => {
      opened.push(String(target));
      return true;
    });
    const url = await vscode.commands.executeCommand<string | undefined>(Commands.openConsole, chained.id);
    assert.ok(url, 'a URL was made');
    assert.deepEqual(opened, [url], 'exactly that URL went to the browser, as a string (not re-encoded)');
    const logout = new URL(url);
    assert.equal(`${logout.origin}${logout.pathname}`, `${aws.endpoint}/oauth`);
    assert.equal(logout.searchParams.get('Action'), 'logout');
    const login = new URL(logout.searchParams.get('redirect_uri')!);
    assert.equal(login.pathname, '/federation');
    assert.equal(login.searchParams.get('Destination'), `${aws.endpoint}/console/home?region=eu-central-1`);
    assert.equal(aws.federationLog().tokens.at(-1)!.sessionDurationSeconds, 1800, 'the duration setting reached the endpoint');
    assert.match(aws.federationLog().tokens.at(-1)!.arn, /assumed-role\/ConsoleAdmin\/aws-sessions-console-admin$/);

    // Follow the chain as a browser would: logout → login → console page.
    const out = await fetch(url, { redirect: 'manual' });
    assert.equal(out.status, 302);
    const signedIn = await fetch(out.headers.get('location')!, { redirect: 'manual' });
    assert.equal(signedIn.status, 302);
    const page = await fetch(signedIn.headers.get('location')!, { headers: { cookie: signedIn.headers.get('set-cookie')!.split(';')[0] } });
    assert.match(await page.text(), /Signed in as arn:aws:sts::111111111111:assumed-role\/ConsoleAdmin\/aws-sessions-console-admin in eu-central-1/);

    const copied = await vscode.commands.executeCommand<string | undefined>(Commands.copyConsoleUrl, base.id);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    assert.match(aws.federationLog().tokens.at(-1)!.arn, /federated-user\/console-base$/, 'an IAM User signs in through GetFederationToken');
    assert.ok(!readFileSync(api.stateFile, 'utf8').includes('SigninToken'));
  });

  it('Import from ~/.aws: nothing changes on cancel; keys go to SecretStorage, and leave the file only after "Remove Keys", with a backup', async () => {
    const bob = aws.user('bob');
    const credentials = `# hand-written\n[imp-bob]\naws_access_key_id = ${bob.accessKeyId}\n; keep this comment\naws_secret_access_key = ${bob.secretAccessKey}\nregion = eu-west-3\n\n[imp-other]\nfoo = bar\n`;
    const config = `[profile imp-admin]\nrole_arn = arn:aws:iam::111111111111:role/ImpAdmin\nsource_profile = imp-bob\nregion = eu-west-3\n[profile imp-proc]\ncredential_process = /bin/false\n`;
    mkdirSync(dirname(api.credentialsFile), { recursive: true });
    writeFileSync(api.credentialsFile, credentials);
    writeFileSync(api.configFile, config);

    const asked: string[] = [];
    const answers: Array<string | undefined> = [undefined];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake((async (message: string) => {
      asked.push(message);
      return answers.shift();
    }) as never);
    const cancelled = await vscode.commands.executeCommand<ImportResult | undefined>(Commands.importProfiles);
    assert.equal(cancelled, undefined);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /Import 2 item\(s\)/);
    assert.equal(readFileSync(api.credentialsFile, 'utf8'), credentials);
    assert.ok(!(await api.service.state.read()).sessions.some((s) => s.alias === 'imp-bob'), 'nothing created');
    const preview = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(preview, /Import from ~\/\.aws — preview/);
    assert.ok(!preview.includes(bob.secretAccessKey) && !preview.includes(bob.accessKeyId), 'the preview shows no key');

    answers.push('Import', 'Remove Keys');
    const result = await vscode.commands.executeCommand<ImportResult | undefined>(Commands.importProfiles);
    assert.ok(result, 'imported');
    assert.match(asked[2], /Also remove the imported static keys/);
    const state = await api.service.state.read();
    const imported = state.sessions.find((s) => s.alias === 'imp-bob')!;
    const admin = state.sessions.find((s) => s.alias === 'imp-admin')!;
    assert.ok(imported && admin && admin.kind === 'iamRoleChained' && admin.assumerSessionId === imported.id);
    assert.deepEqual([...(await api.service.editor.storedSecrets(imported.id, ['accessKeyId', 'secretAccessKey']))].sort(), ['accessKeyId', 'secretAccessKey']);
    assert.equal(readFileSync(api.credentialsFile, 'utf8'), `# hand-written\n[imp-bob]\n; keep this comment\nregion = eu-west-3\n\n[imp-other]\nfoo = bar\n`);
    assert.equal(readFileSync(api.configFile, 'utf8'), config);
    assert.equal(result.backups.length, 1);
    assert.equal(readFileSync(result.backups[0], 'utf8'), credentials, 'byte-exact backup');
    assert.ok(readdirSync(dirname(api.credentialsFile)).some((n) => n.startsWith('credentials.aws-sessions-backup-')));
    assert.ok(!readFileSync(api.stateFile, 'utf8').includes(bob.secretAccessKey));

    // The keys in SecretStorage work: the imported chain starts against the double.
    await api.service.lifecycle.start(admin.id);
    assert.equal((await api.service.state.read()).active[admin.id]?.status, 'active');
    await api.service.lifecycle.stop(admin.id);
  });

  it('Diagnose AWS Credentials: a report in a webview, findings for terminal and workspace, a working fix', async () => {
    const managed = (await api.service.state.read()).sessions.find((s) => s.alias === 'imp-bob')!;
    const previous = process.env.AWS_PROFILE;
    process.env.AWS_PROFILE = 'imp-bob';
    try {
      const findings = await vscode.commands.executeCommand<Finding[] | undefined>(Commands.diagnose);
      assert.ok(findings && findings.length > 0);
      assert.ok(findings.some((f) => f.scope === 'workspace') && findings.some((f) => f.scope === 'machine'));
      const skew = findings.find((f) => f.code === 'clock-ok' || f.code === 'clock-skew');
      assert.ok(skew, 'STS Date header read from the double');
      const workspace = findings.filter((f) => f.scope === 'workspace');
      const inactive = workspace.find((f) => f.code === 'managed-expired' || f.code === 'managed-inactive');
      assert.ok(inactive, JSON.stringify(workspace));
      assert.equal(inactive.fix?.arg, managed.id);
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      for (let i = 0; i < 50 && !tabs().some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('awsSessions.doctor')); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(
        tabs().some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('awsSessions.doctor')),
        `the report is open (tabs: ${tabs().map((t) => t.label).join(', ')})`,
      );
      await vscode.commands.executeCommand(Commands.doctorFix, inactive.fix);
      assert.equal((await api.service.state.read()).active[managed.id]?.status, 'active');
      const after = await vscode.commands.executeCommand<Finding[]>(Commands.diagnose, { show: false });
      assert.ok(after.some((f) => f.scope === 'workspace' && f.code === 'managed-active'), JSON.stringify(after.filter((f) => f.scope === 'workspace')));
      assert.ok(after.some((f) => f.scope === 'terminal' && f.code === 'managed-active'), 'the terminal sees the active session too');
      await api.service.lifecycle.stop(managed.id);
    } finally {
      if (previous === undefined) delete process.env.AWS_PROFILE;
      else process.env.AWS_PROFILE = previous;
    }
    assert.ok(existsSync(api.credentialsFile));
  });
});
